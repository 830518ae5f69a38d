"""Every effect once: one running escalation per (incident, target), redelivered Slack requests
remembered, one status change at a time, and edits or deletes of a timeline message that arrive
before its event exists.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = "0002"  # it alters timeline_messages, made on the other branch

RUNNING = sa.text("state = 'running'")


def upgrade() -> None:
    op.execute(  # duplicates from before the index: the one kept goes on, the others stop
        "UPDATE escalations SET state = 'stopped' WHERE state = 'running' AND EXISTS "
        "(SELECT 1 FROM escalations AS newer WHERE newer.state = 'running' "
        "AND newer.incident_arn = escalations.incident_arn "
        "AND newer.contact_arn = escalations.contact_arn AND newer.id > escalations.id)"
    )
    op.create_index(
        "uq_escalations_running",
        "escalations",
        ["incident_arn", "contact_arn"],
        unique=True,
        sqlite_where=RUNNING,
        postgresql_where=RUNNING,
    )
    op.create_table(
        "slack_requests",
        sa.Column("id", sa.String(300), primary_key=True),
        sa.Column("received_at", sa.Float, nullable=False, index=True),
    )
    op.create_table(
        "status_changes",
        sa.Column("incident_arn", sa.String(300), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("by", sa.String(32), nullable=False),
        sa.Column("claimed_at", sa.Float, nullable=False),
    )
    with op.batch_alter_table("timeline_messages") as batch:
        batch.add_column(
            sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("pending_data", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("timeline_messages") as batch:
        batch.drop_column("pending_data")
        batch.drop_column("deleted")
    op.drop_table("status_changes")
    op.drop_table("slack_requests")
    op.drop_index("uq_escalations_running", "escalations")
