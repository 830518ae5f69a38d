"""Reading and writing escalation rows, shared by the runner, stopping and acknowledging."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, update

from bot.errors import NotFound
from bot.store.database import Database
from bot.store.schema import Escalation, PageNotice
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


async def essential_engagements(
    database: Database, escalation_ids: Iterable[str]
) -> dict[str, list[str]]:
    """Each escalation's engagements of essential contacts, in one read."""
    async with database.session() as session:
        engaged = (
            await session.execute(
                select(PageNotice.escalation_id, PageNotice.engagement_arn).where(
                    PageNotice.escalation_id.in_(list(escalation_ids)),
                    PageNotice.essential.is_(True),
                    PageNotice.engagement_arn.is_not(None),
                )
            )
        ).all()
    found: dict[str, list[str]] = {}
    for escalation_id, engagement in engaged:
        if escalation_id and engagement:
            found.setdefault(escalation_id, []).append(engagement)
    return found
