"""Reading and writing escalation rows, shared by the runner, stopping and acknowledging."""

from __future__ import annotations

from sqlalchemy import select, update

from bot.errors import NotFound
from bot.store.database import Database
from bot.store.schema import Escalation
from bot.vocabulary import EscalationState


async def escalation(database: Database, escalation_id: str) -> Escalation:
    async with database.session() as session:
        row = await session.get(Escalation, escalation_id)
    if row is None:
        raise NotFound("That escalation no longer exists.")
    return row


async def set_escalation(database: Database, escalation_id: str, **values: object) -> None:
    async with database.write() as session:
        await session.execute(
            update(Escalation).where(Escalation.id == escalation_id).values(**values)
        )


async def running(database: Database, incident_arn: str | None = None) -> list[Escalation]:
    """The running escalations (of one incident), oldest first."""
    query = select(Escalation).where(Escalation.state == EscalationState.RUNNING)
    if incident_arn:
        query = query.where(Escalation.incident_arn == incident_arn)
    async with database.session() as session:
        return list((await session.scalars(query.order_by(Escalation.created_at))).all())
