"""Registers every inbound Slack surface on the Bolt app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from handlers import actions, commands, events, options, shortcuts, views

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.services import Services

SURFACES = (commands, shortcuts, actions, views, events, options)


def register_all(app: AsyncApp, services: Services) -> None:
    for surface in SURFACES:
        surface.register(app, services)
