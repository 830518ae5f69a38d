"""Shift hand-offs: one row per (rotation, shift start, person), its notice sent once; and
the cover requests its **Cover for me** posts, taken once.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handoffs",
        sa.Column("rotation_id", sa.String(300), primary_key=True),
        sa.Column("shift_start", sa.Float, primary_key=True),
        sa.Column("contact_arn", sa.String(300), primary_key=True),
        sa.Column("schedule_arn", sa.String(300), nullable=False),
        sa.Column("shift_end", sa.Float, nullable=False),
        sa.Column("due_at", sa.Float, nullable=False),
        sa.Column("state", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("claimed_at", sa.Float),
    )
    op.create_index("ix_handoffs_state", "handoffs", ["state"])
    op.create_table(
        "cover_requests",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("schedule_arn", sa.String(300), nullable=False),
        sa.Column("requester", sa.String(32), nullable=False),
        sa.Column("shift_start", sa.Float, nullable=False),
        sa.Column("shift_end", sa.Float, nullable=False),
        sa.Column("channel_id", sa.String(32)),
        sa.Column("ts", sa.String(32)),
        sa.Column("taken_by", sa.String(32)),
    )


def downgrade() -> None:
    op.drop_table("cover_requests")
    op.drop_index("ix_handoffs_state", "handoffs")
    op.drop_table("handoffs")
