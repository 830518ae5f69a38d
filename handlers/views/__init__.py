"""Slack views: one module per feature, each declaring its ``FORMS`` (see ``registry``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from handlers.views import incident, me, plans, status_update
from handlers.views.registry import Form, listen

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.services import Services

FEATURES = (incident, plans, me, status_update)


def forms() -> list[Form[Any, Any]]:
    """Every form the bot opens."""
    return [form for feature in FEATURES for form in feature.FORMS]


def register(app: AsyncApp, services: Services) -> None:
    listen(app, services, forms())
