"""Revision 0014 gives the cover requests made before it the rotation and person of their
hand-off, drops one whose hand-off is gone (it could not be taken safely), and goes back; on
SQLite and, when it is installed, PostgreSQL."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import create_async_engine

from bot.store.database import MIGRATIONS
from tests.postgres import postgres_bin, running_postgres

ROTATION = "arn:aws:ssm-contacts:us-east-1:111122223333:rotation/payments-daily"
BOB = "arn:aws:ssm-contacts:us-east-1:111122223333:contact/bob"
SCHEDULE = "arn:aws:ssm-contacts:us-east-1:111122223333:contact/payments"
START, END = 1_800_000_000.0, 1_800_086_400.0


def request_id(key: str) -> str:
    return hashlib.sha256(f"cover-request:{key}".encode()).hexdigest()[:64]


KNOWN = request_id(f"{ROTATION}|{START}|{BOB}")


@contextmanager
def database(kind: str, tmp_path: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
        return
    if postgres_bin() is None:
        pytest.skip("PostgreSQL is not installed: apt-get install postgresql")
    with running_postgres() as url:
        yield url.replace("postgresql://", "postgresql+asyncpg://", 1)


def migrate(connection: sa.Connection, revision: str, down: bool = False) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    (command.downgrade if down else command.upgrade)(config, revision)


def old_rows(connection: sa.Connection) -> None:
    """A hand-off and, from before 0014, its taken request and one whose hand-off is gone."""
    connection.execute(
        sa.text(
            "INSERT INTO handoffs (rotation_id, shift_start, contact_arn, schedule_arn, "
            "shift_end, due_at, state) VALUES (:r, :s, :c, :sc, :e, :s, 'sent')"
        ),
        {"r": ROTATION, "s": START, "c": BOB, "sc": SCHEDULE, "e": END},
    )
    for rid, taken_by in ((KNOWN, "U0CAROL"), ("orphan", None)):
        connection.execute(
            sa.text(
                "INSERT INTO cover_requests (id, schedule_arn, requester, shift_start, "
                "shift_end, channel_id, ts, taken_by) VALUES (:id, :sc, 'U0BOB', :s, :e, "
                "'C1', '1.2', :taken)"
            ),
            {"id": rid, "sc": SCHEDULE, "s": START, "e": END, "taken": taken_by},
        )


def requests(connection: sa.Connection) -> list[tuple[str, ...]]:
    query = "SELECT id, rotation_id, contact_arn, state FROM cover_requests"
    return [tuple(row) for row in connection.execute(sa.text(query)).all()]


def columns(connection: sa.Connection) -> list[str]:
    return [c["name"] for c in sa.inspect(connection).get_columns("cover_requests")]


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_old_requests_get_their_hand_offs_rotation_and_person(
    kind: str, tmp_path: Path
) -> None:
    with database(kind, tmp_path) as url:
        engine = create_async_engine(url)
        try:
            async with engine.begin() as connection:
                await connection.run_sync(migrate, "0012")
                await connection.run_sync(old_rows)
            async with engine.begin() as connection:
                await connection.run_sync(migrate, "heads")
                assert await connection.run_sync(requests) == [(KNOWN, ROTATION, BOB, "taken")]
            async with engine.begin() as connection:
                await connection.run_sync(migrate, "0012", True)
                found = await connection.run_sync(columns)
            assert "rotation_id" not in found and "state" not in found
        finally:
            await engine.dispose()
