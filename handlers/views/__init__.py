"""Slack views: one module per feature, each with a `register(app, services)`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from handlers.views import incident, me, plans, status_update

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.services import Services

FEATURES = (incident, plans, me, status_update)


def register(app: AsyncApp, services: Services) -> None:
    for feature in FEATURES:
        feature.register(app, services)
