"""Every incident, wherever it starts: what the sync last saw of each incident, how far it has
looked, and the timeline events not to show in the channel (the bot's own, those shown).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "seen_incidents",
        sa.Column("incident_arn", sa.String(300), primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("impact", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("seen_at", sa.Float, nullable=False),
    )
    op.create_table("known_timeline_events", sa.Column("event_id", sa.String(64), primary_key=True))
    op.create_table(
        "sync_marks",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sync_marks")
    op.drop_table("known_timeline_events")
    op.drop_table("seen_incidents")
