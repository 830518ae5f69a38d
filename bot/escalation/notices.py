"""Each page's row, claimed once: the notice of one page that a person is told of.

A notice is inserted (a unique key) before anything is sent, so two workers never both send
it; a worker that dies mid-way leaves a claim that goes stale and is taken over, and the new
worker first looks for the message the dead one may have sent (``Deliveries``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import ColumnElement, and_, select, update
from sqlalchemy.exc import IntegrityError

from bot.store.database import Database
from bot.store.schema import Escalation, PageNotice
from bot.vocabulary import Claim, Delivery, EscalationState

STALE_CLAIM_SECONDS = 30.0
WAITING = and_(  # shown, not answered
    PageNotice.acknowledged_by.is_(None), PageNotice.delivery == Delivery.SENT
)


def now() -> datetime:
    return datetime.now(UTC)


def sending(notice: PageNotice) -> PageNotice:
    """The notice marked as being worked on from now: its claim."""
    notice.delivery, notice.claimed_at = Delivery.SENDING, now().timestamp()
    return notice


def delivered(notice: PageNotice) -> bool:
    return notice.delivery == Delivery.SENT


class PageNotices:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def get(self, notice_id: str) -> PageNotice | None:
        async with self.database.session() as session:
            return await session.get(PageNotice, notice_id)

    async def set(self, notice_id: str, **values: object) -> None:
        async with self.database.write() as session:
            await session.execute(
                update(PageNotice).where(PageNotice.id == notice_id).values(**values)
            )

    async def unanswered(self, *where: ColumnElement[bool]) -> list[PageNotice]:
        """The notices nobody acknowledged that match ``where``."""
        query = select(PageNotice).where(PageNotice.acknowledged_by.is_(None), *where)
        async with self.database.session() as session:
            return list((await session.scalars(query)).all())

    async def awaiting(self, user_id: str) -> list[PageNotice]:
        """The pages delivered to ``user_id`` and not acknowledged, whose escalation (if any)
        still runs; newest first."""
        query = (
            select(PageNotice)
            .outerjoin(Escalation, Escalation.id == PageNotice.escalation_id)
            .where(
                PageNotice.slack_user_id == user_id,
                WAITING,
                PageNotice.escalation_id.is_(None) | (Escalation.state == EscalationState.RUNNING),
            )
            .order_by(PageNotice.dm_ts.desc())
        )
        async with self.database.session() as session:
            return list((await session.scalars(query)).all())

    async def claim(self, notice: PageNotice) -> Claim | None:
        """Insert the notice as being worked on, or take over a claim whose worker died."""
        try:
            async with self.database.write() as session:
                session.add(sending(notice))
        except IntegrityError:
            return Claim.RETAKEN if await self._reclaim(notice.id) else None
        return Claim.NEW

    async def _reclaim(self, notice_id: str) -> bool:
        """Take over a claim whose sender died before it recorded the Slack message."""
        async with self.database.session() as session:
            current = (
                await session.execute(
                    select(PageNotice.delivery, PageNotice.claimed_at).where(
                        PageNotice.id == notice_id
                    )
                )
            ).first()
        if current is None or current.delivery != Delivery.SENDING:
            return False
        claimed_at = current.claimed_at
        if claimed_at is not None and now().timestamp() - claimed_at < STALE_CLAIM_SECONDS:
            return False
        same_claim = (
            PageNotice.claimed_at.is_(None)
            if claimed_at is None
            else PageNotice.claimed_at == claimed_at
        )
        return await self.database.compare_and_set(
            update(PageNotice)
            .where(PageNotice.id == notice_id, PageNotice.delivery == Delivery.SENDING, same_claim)
            .values(claimed_at=now().timestamp())
        )
