"""A request Slack delivers again (an event retried with ``X-Slack-Retry-Num``, a replay, a proxy's
retry, the same payload twice) is answered 200 and does nothing: each request is claimed by its
id in the store when it arrives, so only its first delivery reaches a listener, on any replica."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.response import BoltResponse
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from bot.store.database import Database
from bot.store.schema import SlackRequest

log = logging.getLogger(__name__)

KEEP_SECONDS = 3600  # Slack retries within minutes and refuses signatures older than 5 minutes
FORGET_EVERY_SECONDS = 60


def request_id(body: dict[str, Any]) -> str | None:
    """What stays the same when Slack delivers a request again: an event's id, else the
    trigger id every command and interaction carries."""
    if isinstance(event_id := body.get("event_id"), str) and event_id:
        return f"event:{event_id}"
    if isinstance(trigger_id := body.get("trigger_id"), str) and trigger_id:
        return f"trigger:{trigger_id}"
    return None


async def first_delivery(database: Database, request: str, forget: bool = True) -> bool:
    """Claim ``request``; False when it was delivered before. ``forget``: requests older than
    an hour are deleted in the same write."""
    received = time.time()
    try:
        async with database.write() as session:
            if forget:
                await session.execute(
                    delete(SlackRequest).where(SlackRequest.received_at < received - KEEP_SECONDS)
                )
            session.add(SlackRequest(id=request, received_at=received))
    except IntegrityError:
        return False
    return True


def drop_redeliveries(
    database: Database,
) -> Callable[[dict[str, Any], Callable[[], Awaitable[Any]]], Awaitable[Any]]:
    """Bolt global middleware: a redelivered request is acknowledged and goes no further.
    Old requests are forgotten once a minute, not on every request (before its ack)."""
    forgotten = 0.0

    async def middleware(body: dict[str, Any], next: Callable[[], Awaitable[Any]]) -> Any:
        nonlocal forgotten
        request = request_id(body)
        forget = time.monotonic() - forgotten >= FORGET_EVERY_SECONDS
        try:
            first = request is None or await first_delivery(database, request, forget)
            if forget:
                forgotten = time.monotonic()
        except SQLAlchemyError as exc:  # better twice than never: let it through
            log.warning("could not record Slack request %s: %s", request, type(exc).__name__)
            first = True
        if first:
            return await next()
        log.info("ignored a redelivered Slack request (%s)", request)
        return BoltResponse(status=200, body="")

    return middleware
