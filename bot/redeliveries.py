"""A request Slack delivers again (an event retried with ``X-Slack-Retry-Num``, a replay, a proxy's
retry, the same payload twice) is answered 200 and does nothing: each request is claimed by its
id in the store when it arrives, so only its first delivery reaches a listener, on any replica.

A claim is written while its request is acknowledged (the edge decides when its listener waits
for it), and kept cheap: requests arriving together are claimed in one statement (while one is
written, the next ones gather), and old requests are forgotten once a minute rather than on every
request."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Collection
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

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


INSERTS: dict[str, Callable[[type[SlackRequest]], Any]] = {  # both can skip conflicting rows
    "sqlite": sqlite.insert,
    "postgresql": postgresql.insert,
}


async def claim_requests(
    database: Database, requests: Collection[str], forget: bool = False
) -> set[str]:
    """Claim ``requests`` in one transaction, one statement; those delivered for the first
    time. ``forget``: requests older than an hour are deleted in the same write. A request
    another replica is claiming meanwhile is its: PostgreSQL waits for that claim to commit."""
    received = time.time()
    insert = INSERTS[database.engine.dialect.name]
    claim = (
        insert(SlackRequest)
        .values([{"id": request, "received_at": received} for request in requests])
        .on_conflict_do_nothing(index_elements=[SlackRequest.id])
        .returning(SlackRequest.id)
    )
    async with database.write(urgent=True) as session:  # its listener waits for it
        if forget:
            await session.execute(
                delete(SlackRequest).where(SlackRequest.received_at < received - KEEP_SECONDS)
            )
        return set((await session.scalars(claim)).all())


class Deliveries:
    """The claims of the requests arriving now, written together."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._pending: dict[str, asyncio.Future[bool]] = {}
        self._writer: asyncio.Task[None] | None = None
        self._forgotten = 0.0

    def claim(self, request: str) -> asyncio.Future[bool]:
        """Claim ``request`` with the others arriving now; the result is False when it was
        delivered before (or is being claimed now). Await it through ``asyncio.shield``: the
        writer sets its result, which a cancelled future would refuse."""
        loop = asyncio.get_running_loop()
        if request in self._pending:
            again = loop.create_future()
            again.set_result(False)
            return again
        future = self._pending[request] = loop.create_future()
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        return future

    async def _write(self) -> None:
        while self._pending:
            await asyncio.sleep(0)  # requests arriving together join
            batch, self._pending = self._pending, {}
            forget = time.monotonic() - self._forgotten >= FORGET_EVERY_SECONDS
            try:
                fresh = await claim_requests(self.database, list(batch), forget)
            except SQLAlchemyError as exc:
                for future in batch.values():
                    future.set_exception(exc)
                continue
            if forget:
                self._forgotten = time.monotonic()
            for request, future in batch.items():
                future.set_result(request in fresh)
