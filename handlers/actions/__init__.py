"""Slack actions: one module per feature, each with a `register(app, services)`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from handlers.actions import card, me, oncall, paging, picker, plans, related, routine

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.services import Services

FEATURES = (card, related, paging, picker, plans, me, oncall, routine)


def register(app: AsyncApp, services: Services) -> None:
    for feature in FEATURES:
        feature.register(app, services)
