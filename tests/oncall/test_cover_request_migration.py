"""Revision 0013 gives the cover requests made before it the rotation and person of their
hand-off, drops one whose hand-off is gone (it could not be taken safely), and goes back."""

from __future__ import annotations

import hashlib
from pathlib import Path

import sqlalchemy as sa

from tests.test_migrations import _migrate

ROTATION = "arn:aws:ssm-contacts:us-east-1:111122223333:rotation/payments-daily"
BOB = "arn:aws:ssm-contacts:us-east-1:111122223333:contact/bob"
SCHEDULE = "arn:aws:ssm-contacts:us-east-1:111122223333:contact/payments"


def request_id(key: str) -> str:
    return hashlib.sha256(f"cover-request:{key}".encode()).hexdigest()[:64]


def test_old_requests_get_their_hand_offs_rotation_and_person(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'bot.db'}")
    _migrate(engine, "0012")
    start, end = 1_800_000_000.0, 1_800_086_400.0
    known = request_id(f"{ROTATION}|{start}|{BOB}")
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO handoffs (rotation_id, shift_start, contact_arn, schedule_arn, "
                "shift_end, due_at, state) VALUES (:r, :s, :c, :sc, :e, :s, 'sent')"
            ),
            {"r": ROTATION, "s": start, "c": BOB, "sc": SCHEDULE, "e": end},
        )
        for rid, taken_by in ((known, "U0CAROL"), ("orphan", None)):
            connection.execute(
                sa.text(
                    "INSERT INTO cover_requests (id, schedule_arn, requester, shift_start, "
                    "shift_end, channel_id, ts, taken_by) VALUES (:id, :sc, 'U0BOB', :s, :e, "
                    "'C1', '1.2', :taken)"
                ),
                {"id": rid, "sc": SCHEDULE, "s": start, "e": end, "taken": taken_by},
            )

    _migrate(engine, "heads")
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT id, rotation_id, contact_arn, state FROM cover_requests")
        ).all()
    assert [tuple(row) for row in rows] == [(known, ROTATION, BOB, "taken")]

    _migrate(engine, "0012", down=True)
    with engine.connect() as connection:
        columns = [c["name"] for c in sa.inspect(connection).get_columns("cover_requests")]
    assert "rotation_id" not in columns and "state" not in columns
