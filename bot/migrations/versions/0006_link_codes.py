"""Link codes: a ``link-me`` is proven by a one-time code sent through AWS to the contact.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "link_codes",
        sa.Column("contact_arn", sa.String(300), primary_key=True),
        sa.Column("slack_user_id", sa.String(32), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
        sa.Column("wrong_tries", sa.Integer, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_table("link_codes")
