"""Incident Manager → Slack, the rest: what the sync last read in full of each incident (summary,
chat channel, related items, when), and one export of an incident at a time.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("seen_incidents") as table:
        table.add_column(sa.Column("summary", sa.Text))
        table.add_column(sa.Column("chat_channel", sa.Text))
        table.add_column(sa.Column("related_items", sa.Text))
        table.add_column(sa.Column("read_at", sa.Float))
    op.create_table(
        "export_claims",
        sa.Column("incident_arn", sa.String(300), primary_key=True),
        sa.Column("claimed_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("export_claims")
    with op.batch_alter_table("seen_incidents") as table:
        for column in ("read_at", "related_items", "chat_channel", "summary"):
            table.drop_column(column)
