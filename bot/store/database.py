"""The database: engine, sessions, migrations at start, and a health probe."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext
from pathlib import Path
from typing import Any, cast

from alembic import command
from alembic.config import Config
from sqlalchemy import Executable, event, text
from sqlalchemy.engine import Connection, CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.store.urls import async_url
from bot.turns import Turns

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
WRITES = "incident_bot_writes"  # execution option of the engine behind Database.write()


class Database:
    """One async engine for the process; ``session()`` opens a unit of work."""

    def __init__(self, database_url: str) -> None:
        url = async_url(database_url)
        options: dict[str, object] = {"pool_pre_ping": True}
        if url.get_backend_name() == "sqlite":
            options = {"connect_args": {"timeout": 30}}
        self.engine: AsyncEngine = create_async_engine(url, **options)
        if url.get_backend_name() == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _sqlite_wal)
            event.listen(self.engine.sync_engine, "begin", _sqlite_begin)
        self.session = async_sessionmaker(self.engine, expire_on_commit=False)
        self._writer = async_sessionmaker(
            self.engine.execution_options(**{WRITES: True}), expire_on_commit=False
        )
        self._turns = Turns() if url.get_backend_name() == "sqlite" else None

    @asynccontextmanager
    async def write(self, urgent: bool = False) -> AsyncIterator[AsyncSession]:
        """A unit of work that writes, committed when the block ends without an error.

        On SQLite it takes the write lock at BEGIN, so a read-then-write waits its turn instead
        of failing with "database is locked"; ``session()`` (reads) never takes it. Writers
        queue in the process (``Turns``), ``urgent`` ones first. A write must not open
        another write inside it.
        """
        turn = self._turns.turn(urgent) if self._turns else nullcontext()
        async with turn, self._writer.begin() as session:
            yield session

    async def compare_and_set(self, statement: Executable, urgent: bool = False) -> bool:
        """Run a compare-and-set UPDATE in a write of its own: True when it changed one row
        (this caller won), False when the row was no longer as the statement expects."""
        async with self.write(urgent) as session:
            return await changed(session, statement) == 1

    async def insert_or_take_over(self, row: object, stale: Executable) -> bool:
        """Claim by inserting ``row``; when its key is taken, take over a claim its holder left
        behind (``stale``: a compare-and-set UPDATE of that row). True when this caller holds
        the claim."""
        try:
            async with self.write() as session:
                session.add(row)
            return True
        except IntegrityError:
            return await self.compare_and_set(stale)

    async def migrate(self) -> None:
        """Bring the schema to the newest Alembic revisions (one head per feature)."""
        async with self.engine.begin() as connection:
            await connection.run_sync(_upgrade)

    async def ping(self) -> None:
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def probe_write(self) -> None:
        """Commit a write that changes nothing, so a read-only or full database is found before
        a page or a declaration needs it (Alembic's version row is there from the first start)."""
        async with self.write() as session:
            await session.execute(text("UPDATE alembic_version SET version_num = version_num"))

    async def close(self) -> None:
        await self.engine.dispose()


def _sqlite_wal(connection: Any, _: object) -> None:
    """WAL lets the scheduler's job store and the bot read and write the file side by side;
    the driver's own transaction handling is switched off for ``_sqlite_begin``."""
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL: no fsync per commit, still crash-safe
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    """BEGIN IMMEDIATE for ``Database.write()`` units of work, plain BEGIN for reads."""
    immediate = connection.get_execution_options().get(WRITES, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _upgrade(connection: Connection) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, "heads")


async def changed(session: AsyncSession, statement: Executable) -> int:
    """Run an UPDATE or DELETE; how many rows it changed (1: a compare-and-set won)."""
    return cast(CursorResult[Any], await session.execute(statement)).rowcount
