"""Revision 0004 turns the old ``dm_ts`` sentinels into the delivery column, and back."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from bot.store.database import MIGRATIONS

NOTICE = {
    "kind": "escalation",
    "incident_arn": "arn:aws:ssm-incidents::111122223333:incident-record/p/1",
    "contact_arn": "arn:aws:ssm-contacts:us-east-1:111122223333:contact/ana",
    "essential": True,
    "reminders": 0,
}
OLD_ROWS = {"unlinked": "-", "plan": "+", "claimed": "sending:1700000000.250", "sent": "17.1"}


def _migrate(engine: sa.Engine, revision: str, down: bool = False) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def test_sentinels_become_deliveries_and_back(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'bot.db'}")
    _migrate(engine, "0003")
    with engine.begin() as connection:
        for notice_id, dm_ts in OLD_ROWS.items():
            connection.execute(
                sa.text(
                    "INSERT INTO page_notices (id, kind, incident_arn, contact_arn, essential, "
                    "reminders, dm_ts) VALUES (:id, :kind, :incident_arn, :contact_arn, "
                    ":essential, :reminders, :dm_ts)"
                ),
                {"id": notice_id, "dm_ts": dm_ts, **NOTICE},
            )

    _migrate(engine, "heads")
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT id, delivery, dm_ts, claimed_at FROM page_notices")
        ).all()
    assert {row.id: (row.delivery, row.dm_ts, row.claimed_at) for row in rows} == {
        "unlinked": ("nobody", None, None),
        "plan": ("plan", None, None),
        "claimed": ("sending", None, 1700000000.25),
        "sent": ("sent", "17.1", None),
    }

    _migrate(engine, "0003", down=True)
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT id, dm_ts FROM page_notices")).all()
    assert dict(rows) == OLD_ROWS
    engine.dispose()
