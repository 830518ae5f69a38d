"""Slack events: one module per feature, each with a `register(app, services)`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from handlers.events import home, rate_limited, timeline

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.services import Services

FEATURES = (timeline, home, rate_limited)


def register(app: AsyncApp, services: Services) -> None:
    for feature in FEATURES:
        feature.register(app, services)
