"""One status change (resolve, reopen) of an incident at a time, across requests and replicas:
a row claimed by the incident's ARN while the change runs, taken over when its holder died. A
change that finds another under way waits for it, so a reopen pressed as the resolve finishes
follows it rather than failing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import delete, update

from bot.errors import Conflict
from bot.incidents.record import RESOLVED
from bot.store.database import Database
from bot.store.schema import StatusChange

STALE_SECONDS = 30.0  # a holder that has not finished by then crashed
WAIT_SECONDS = 10.0  # how long a change waits for the one under way before saying so
POLL_SECONDS = 0.1


@asynccontextmanager
async def changing_status(
    database: Database, arn: str, status: str, by: str
) -> AsyncIterator[None]:
    """Hold ``arn``'s status change while the block runs, once the change under way (if any)
    is done; Conflict, naming who is changing it, when it is not done in ``WAIT_SECONDS``."""
    give_up = time.monotonic() + WAIT_SECONDS
    while True:
        claimed_at = time.time()
        claim = StatusChange(incident_arn=arn, status=status, by=by, claimed_at=claimed_at)
        if await _claim(database, claim):
            break
        if time.monotonic() >= give_up:
            async with database.session() as session:
                held = await session.get(StatusChange, arn)
            verb = "resolving" if held is None or held.status == RESOLVED else "reopening"
            who = f"<@{held.by}>" if held else "Someone"
            raise Conflict(f"{who} is {verb} this incident right now; nothing more was changed.")
        await asyncio.sleep(POLL_SECONDS)
    try:
        yield
    finally:
        async with database.write() as session:
            await session.execute(
                delete(StatusChange).where(
                    StatusChange.incident_arn == arn, StatusChange.claimed_at == claimed_at
                )
            )


async def _claim(database: Database, row: StatusChange) -> bool:
    return await database.insert_or_take_over(
        row,
        update(StatusChange)
        .where(
            StatusChange.incident_arn == row.incident_arn,
            StatusChange.claimed_at < row.claimed_at - STALE_SECONDS,
        )
        .values(status=row.status, by=row.by, claimed_at=row.claimed_at),
    )
