"""Paging: contact links, escalations and the Slack notices of their pages.

Revision ID: 0003
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contact_links",
        sa.Column("contact_arn", sa.String(300), primary_key=True),
        sa.Column("slack_user_id", sa.String(32), nullable=False, index=True),
        sa.Column("source", sa.String(16), nullable=False),
    )
    op.create_table(
        "escalations",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("incident_arn", sa.String(300), nullable=False, index=True),
        sa.Column("contact_arn", sa.String(300), nullable=False),
        sa.Column("contact_alias", sa.String(255), nullable=False),
        sa.Column("requested_by", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(32)),
        sa.Column("stages", sa.Text, nullable=False),
        sa.Column("current_stage", sa.Integer, nullable=False),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("stage_started_at", sa.DateTime(timezone=True)),
        sa.Column("status_ts", sa.String(32)),
        sa.Column("acknowledged_by", sa.String(32)),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    )
    op.create_table(
        "page_notices",
        sa.Column("id", sa.String(300), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("escalation_id", sa.String(36), index=True),
        sa.Column("stage", sa.Integer),
        sa.Column("incident_arn", sa.String(300), nullable=False),
        sa.Column("contact_arn", sa.String(300), nullable=False),
        sa.Column("engagement_arn", sa.String(300), index=True),
        sa.Column("page_arn", sa.String(300)),
        sa.Column("essential", sa.Boolean, nullable=False),
        sa.Column("slack_user_id", sa.String(32)),
        sa.Column("dm_channel", sa.String(32)),
        sa.Column("dm_ts", sa.String(32)),
        sa.Column("acknowledged_by", sa.String(32)),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True)),
        sa.Column("retry_minutes", sa.Integer),
        sa.Column("reminders", sa.Integer, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    for table in ("page_notices", "escalations", "contact_links"):
        op.drop_table(table)
