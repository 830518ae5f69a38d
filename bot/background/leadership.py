"""Which replica runs the timers: on PostgreSQL, the holder of a session advisory lock; on
SQLite (one process by design) always this one.

The lock lives as long as the leader's database session: a leader killed with ``kill -9``
loses its connection, PostgreSQL frees the lock at once, and a follower that asks next (every
``RETRY_SECONDS``) takes over. A leader that can no longer reach the database stops leading,
and PostgreSQL's TCP keepalives free the lock of a host that vanished.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.database import Database

log = logging.getLogger(__name__)

LOCK_KEY = 0x1B0_7E55  # the advisory lock every replica of incident-bot asks for
RETRY_SECONDS = 2.0  # a follower asks for the lock, a leader checks it still holds it
KEEPALIVES = {  # the server notices a vanished leader within about 5 + 2 * 3 = 11 s
    "tcp_keepalives_idle": "5",
    "tcp_keepalives_interval": "2",
    "tcp_keepalives_count": "3",
}


class Leadership:
    """Calls ``lead`` when this replica becomes the one that runs the timers, ``follow`` when
    it stops being it."""

    def __init__(
        self, database: Database, lead: Callable[[], None], follow: Callable[[], None]
    ) -> None:
        self.database, self.lead, self.follow = database, lead, follow
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self.database.engine.dialect.name != "postgresql":
            self.lead()  # SQLite: a single process, always the leader
            return
        self._task = asyncio.create_task(self._campaign(), name="leadership")

    async def stop(self) -> None:
        """Stop leading, and free the lock by closing its session."""
        self.follow()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _campaign(self) -> None:
        while True:
            try:
                connection = await self.database.engine.connect()
                try:
                    await self._hold(connection)
                finally:  # never back to the pool: closing the session frees the lock
                    self.follow()
                    with contextlib.suppress(Exception):
                        await connection.invalidate()
                        await connection.close()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database went away: someone else may lead now
                log.warning("leadership: lost the database session: %s", exc)
            await asyncio.sleep(RETRY_SECONDS)

    async def _hold(self, connection: AsyncConnection) -> None:
        """Ask for the lock until granted, then keep checking the session that holds it."""
        connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        holding = False
        for name, value in KEEPALIVES.items():
            await connection.execute(text(f"SET {name} = {value}"))
        while True:
            async with asyncio.timeout(RETRY_SECONDS * 2):
                if holding:
                    await connection.execute(text("SELECT 1"))
                elif await connection.scalar(
                    text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}
                ):
                    holding = True
                    self.lead()
            await asyncio.sleep(RETRY_SECONDS)
