"""Declarations as recorded steps, so a crash or a refusal leaves nothing half-done unseen.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "declarations",
        sa.Column("token", sa.String(64), primary_key=True),
        sa.Column("incident_arn", sa.String(300)),
        sa.Column("declarer", sa.String(32), nullable=False),
        sa.Column("origin_channel", sa.String(32)),
        sa.Column("form", sa.Text, nullable=False),
        sa.Column("settled", sa.Boolean, nullable=False, index=True),
        sa.Column("claimed_until", sa.Float),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
    )
    op.create_table(
        "declaration_steps",
        sa.Column("token", sa.String(64), primary_key=True),
        sa.Column("step", sa.String(16), primary_key=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("attempts", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("declaration_steps")
    op.drop_table("declarations")
