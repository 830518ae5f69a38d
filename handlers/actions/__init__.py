"""Slack actions: one module per feature, each declaring its ``BUTTONS`` (see ``registry``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from handlers.actions import card, me, oncall, paging, picker, plans, related, routine
from handlers.actions.registry import Button, listen

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.services import Services

FEATURES = (card, related, paging, picker, plans, me, oncall, routine)


def buttons() -> list[Button[Any]]:
    """Every button and menu the bot renders."""
    return [button for feature in FEATURES for button in feature.BUTTONS]


def register(app: AsyncApp, services: Services) -> None:
    listen(app, services, buttons())
