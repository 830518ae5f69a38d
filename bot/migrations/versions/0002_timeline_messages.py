"""Slack messages turned into timeline events.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "timeline_messages",
        sa.Column("channel_id", sa.String(32), primary_key=True),
        sa.Column("message_ts", sa.String(32), primary_key=True),
        sa.Column("incident_arn", sa.String(300), nullable=False),
        sa.Column("event_id", sa.String(64)),
    )


def downgrade() -> None:
    op.drop_table("timeline_messages")
