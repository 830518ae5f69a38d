"""Page delivery: a state column instead of the ``dm_ts`` sentinels ("-", "+", "sending:…").

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

notices = sa.table(
    "page_notices",
    sa.column("id", sa.String),
    sa.column("dm_ts", sa.String),
    sa.column("delivery", sa.String),
    sa.column("claimed_at", sa.Float),
)
SENDING = "sending:"


def upgrade() -> None:
    op.add_column(
        "page_notices",
        sa.Column("delivery", sa.String(16), nullable=False, server_default="sent"),
    )
    op.add_column("page_notices", sa.Column("claimed_at", sa.Float))
    op.execute(  # a claim from before a sender wrote its mark
        notices.update().where(notices.c.dm_ts.is_(None)).values(delivery="sending")
    )
    for mark, delivery in (("-", "nobody"), ("+", "plan")):
        op.execute(
            notices.update().where(notices.c.dm_ts == mark).values(delivery=delivery, dm_ts=None)
        )
    connection = op.get_bind()
    claims = connection.execute(
        sa.select(notices.c.id, notices.c.dm_ts).where(notices.c.dm_ts.like(f"{SENDING}%"))
    ).all()
    for notice_id, dm_ts in claims:
        connection.execute(
            notices.update()
            .where(notices.c.id == notice_id)
            .values(delivery="sending", claimed_at=float(dm_ts.removeprefix(SENDING)), dm_ts=None)
        )


def downgrade() -> None:
    for delivery, mark in (("nobody", "-"), ("plan", "+")):
        op.execute(notices.update().where(notices.c.delivery == delivery).values(dm_ts=mark))
    connection = op.get_bind()
    claims = connection.execute(
        sa.select(notices.c.id, notices.c.claimed_at).where(notices.c.delivery == "sending")
    ).all()
    for notice_id, claimed_at in claims:
        connection.execute(
            notices.update()
            .where(notices.c.id == notice_id)
            .values(dm_ts=f"{SENDING}{claimed_at or 0:.3f}")
        )
    with op.batch_alter_table("page_notices") as batch:
        batch.drop_column("claimed_at")
        batch.drop_column("delivery")
