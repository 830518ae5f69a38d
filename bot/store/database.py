"""The database: engine, sessions, migrations at start, and a health probe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from bot.store.urls import async_url

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


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
            event.listen(self.engine.sync_engine, "begin", _sqlite_begin_immediate)
        self.session = async_sessionmaker(self.engine, expire_on_commit=False)

    async def migrate(self) -> None:
        """Bring the schema to the newest Alembic revisions (one head per feature)."""
        async with self.engine.begin() as connection:
            await connection.run_sync(_upgrade)

    async def ping(self) -> None:
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def close(self) -> None:
        await self.engine.dispose()


def _sqlite_wal(connection: Any, _: object) -> None:
    """WAL lets the scheduler's job store and the bot read and write the file side by side;
    the driver's own transaction handling is switched off for ``_sqlite_begin_immediate``."""
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin_immediate(connection: Any) -> None:
    """Take SQLite's write lock when a transaction begins, so a transaction that reads then
    writes waits its turn (busy_timeout) instead of failing with 'database is locked'."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _upgrade(connection: Connection) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, "heads")
