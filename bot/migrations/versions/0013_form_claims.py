"""Forms kept server side (their private_metadata is only a key to what was rendered), and the
wrong activation codes typed per contact channel.

Revision ID: 0013_form_claims
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_form_claims"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "form_claims",
        sa.Column("token", sa.String(64), primary_key=True),
        sa.Column("view_id", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("callback_id", sa.String(64), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("inputs", sa.Text, nullable=False),
        sa.Column("kept_at", sa.Float, nullable=False),
    )
    op.create_index("ix_form_claims_kept_at", "form_claims", ["kept_at"])
    op.create_table(
        "activation_tries",
        sa.Column("channel_arn", sa.String(300), primary_key=True),
        sa.Column("wrong_tries", sa.Integer, nullable=False),
        sa.Column("until", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("activation_tries")
    op.drop_index("ix_form_claims_kept_at", "form_claims")
    op.drop_table("form_claims")
