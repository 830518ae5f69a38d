"""A responder's routine: roles held in an incident, and when its next status update is due.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incident_roles",
        sa.Column("incident_arn", sa.String(300), primary_key=True),
        sa.Column("role", sa.String(64), primary_key=True),
        sa.Column("slack_user_id", sa.String(32), nullable=False),
        sa.Column("assigned_by", sa.String(32), nullable=False),
    )
    op.create_table(
        "update_reminders",
        sa.Column("incident_arn", sa.String(300), primary_key=True),
        sa.Column("due_at", sa.Float, index=True),
    )


def downgrade() -> None:
    op.drop_table("update_reminders")
    op.drop_table("incident_roles")
