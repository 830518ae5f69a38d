"""Slack's ``app_rate_limited`` notice: past 30,000 events an hour Slack holds the rest back.

It is no ``event_callback`` (it has no inner event), so no event listener matches it: this
middleware answers it 200, as Slack expects of every delivery, and logs what is being missed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from slack_bolt.response import BoltResponse

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.services import Services

log = logging.getLogger(__name__)


def register(app: AsyncApp, services: Services) -> None:
    async def app_rate_limited(body: dict[str, Any], next: Callable[[], Awaitable[Any]]) -> Any:
        if body.get("type") != "app_rate_limited":
            return await next()
        log.error(
            "Slack is holding back this app's events for workspace %s since minute %s (more "
            "than 30,000 this hour): reactions, message edits and Home tab opens are not "
            "arriving until the hour's count falls",
            body.get("team_id"),
            body.get("minute_rate_limited"),
        )
        return BoltResponse(status=200, body="")

    app.middleware(app_rate_limited)
