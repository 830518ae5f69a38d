"""A cover request knows whose shift on which rotation it asks cover for (so **I'll cover**
overrides that rotation and that person), and is claimed while it is posted (posting → open →
taken or expired), so a post Slack refused leaves nothing behind.

Requests made before are given the rotation and person of the hand-off they were made from (their
id is that hand-off's token); one whose hand-off is gone cannot be taken safely and is dropped.

Revision ID: 0014
Revises: 0013_form_claims
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013_form_claims"
branch_labels = None
depends_on = None


def _request_id(rotation_id: str, shift_start: float, contact_arn: str) -> str:
    """The id 0009's requests were given: the token of their hand-off's key."""
    key = f"cover-request:{rotation_id}|{shift_start}|{contact_arn}"
    return hashlib.sha256(key.encode()).hexdigest()[:64]


def upgrade() -> None:
    with op.batch_alter_table("cover_requests") as table:
        table.add_column(sa.Column("rotation_id", sa.String(300)))
        table.add_column(sa.Column("contact_arn", sa.String(300)))
        table.add_column(sa.Column("state", sa.String(16), nullable=False, server_default="open"))
        table.add_column(sa.Column("claimed_at", sa.Float))
    connection = op.get_bind()
    requests = connection.execute(
        sa.text("SELECT id, schedule_arn, shift_start FROM cover_requests")
    )
    for request in requests.all():
        handoffs = connection.execute(
            sa.text(
                "SELECT rotation_id, shift_start, contact_arn FROM handoffs "
                "WHERE schedule_arn = :schedule AND shift_start = :start"
            ),
            {"schedule": request.schedule_arn, "start": request.shift_start},
        )
        for handoff in handoffs.all():
            if _request_id(*handoff) == request.id:
                connection.execute(
                    sa.text(
                        "UPDATE cover_requests SET rotation_id = :rotation, contact_arn = :contact "
                        "WHERE id = :id"
                    ),
                    {
                        "rotation": handoff.rotation_id,
                        "contact": handoff.contact_arn,
                        "id": request.id,
                    },
                )
    connection.execute(sa.text("DELETE FROM cover_requests WHERE rotation_id IS NULL"))
    connection.execute(
        sa.text("UPDATE cover_requests SET state = 'taken' WHERE taken_by IS NOT NULL")
    )
    with op.batch_alter_table("cover_requests") as table:
        table.alter_column("rotation_id", existing_type=sa.String(300), nullable=False)
        table.alter_column("contact_arn", existing_type=sa.String(300), nullable=False)
        table.alter_column("state", existing_type=sa.String(16), server_default="posting")
        table.create_index("ix_cover_requests_state", ["state"])


def downgrade() -> None:
    connection = op.get_bind()
    connection.execute(sa.text("DELETE FROM cover_requests WHERE state = 'posting'"))
    with op.batch_alter_table("cover_requests") as table:
        table.drop_index("ix_cover_requests_state")
        for column in ("claimed_at", "state", "contact_arn", "rotation_id"):
            table.drop_column(column)
