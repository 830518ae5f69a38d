"""A Slack message claimed for a timeline keeps the event's data and when it was claimed, so
the sweep can finish an event whose creator died before saving its id.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("timeline_messages") as table:
        table.add_column(sa.Column("event_data", sa.Text, nullable=True))
        table.add_column(sa.Column("claimed_at", sa.Float, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("timeline_messages") as table:
        table.drop_column("claimed_at")
        table.drop_column("event_data")
