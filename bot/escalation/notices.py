"""The Slack side of each page: claimed once, DMed once to whoever answers, reminded.

A notice is the row of one page's Slack message. It is inserted (a unique key) before
anything is sent, so two workers never both send it; a worker that dies mid-way leaves a
claim that goes stale and is taken over, and the new worker first looks for the DM the
dead one may have sent.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import ColumnElement, and_, select, update
from sqlalchemy.exc import IntegrityError

from bot.background.schedule import Schedule
from bot.blocks.paging import page_blocks, page_metadata, page_text
from bot.config import Settings
from bot.contacts import alias_of
from bot.incidents.record import Incident
from bot.incidents.service import IncidentService
from bot.mrkdwn import escape
from bot.people import People, retry_minutes
from bot.slack.messages import sent_page
from bot.slack.notify import say
from bot.store.database import Database, changed
from bot.store.schema import Escalation, PageNotice
from bot.vocabulary import Claim, ContactType, Delivery, EscalationState, PageKind

log = logging.getLogger(__name__)

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


class PageNotices:
    def __init__(
        self,
        database: Database,
        slack: AsyncWebClient,
        incidents: IncidentService,
        people: People,
        settings: Settings,
        schedule: Schedule,
    ) -> None:
        self.database = database
        self.slack = slack
        self.incidents = incidents
        self.people = people
        self.settings = settings
        self.schedule = schedule

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

    # -- claiming ------------------------------------------------------------
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
        async with self.database.write() as session:
            taken = await changed(
                session,
                update(PageNotice)
                .where(
                    PageNotice.id == notice_id, PageNotice.delivery == Delivery.SENDING, same_claim
                )
                .values(claimed_at=now().timestamp()),
            )
        return taken == 1

    # -- the DM ----------------------------------------------------------------
    async def deliver(
        self,
        notice: PageNotice,
        claim: Claim,
        alias: str,
        incident: Incident,
        paged_by: str,
        stage: int,
        stages: int,
        channel_id: str | None,
    ) -> Delivery:
        """DM the linked person the page with its buttons, or name them in the channel; says
        which it did.

        A retaken claim first looks for the DM its crashed worker may have sent (the page's
        message metadata names the notice), so a crash between Slack's answer and the bot's
        record of it never shows a person the same page twice."""
        user = await self._answerer(notice, alias)
        if user is Delivery.PLAN:
            await self.set(notice.id, delivery=Delivery.PLAN)
            await say(
                self.slack,
                channel_id,
                f":information_source: `{alias}` is an escalation plan: AWS runs its stages, "
                "and each person it pages gets an Acknowledge button in Slack as their page "
                "goes out.",
            )
            return Delivery.PLAN
        if user is None:
            await self.set(notice.id, delivery=Delivery.NOBODY)
            await say(
                self.slack,
                channel_id,
                f":warning: `{alias}` was paged through AWS but is not linked to a Slack "
                f"user, so no Acknowledge button reached them. They can run "
                f"`/incident link-me {alias}`.",
            )
            return Delivery.NOBODY
        await self.set(notice.id, slack_user_id=user)  # who may acknowledge, at once
        posted = await sent_page(self.slack, user, notice.id) if claim is Claim.RETAKEN else None
        if posted is None:
            try:
                answer = await self.slack.chat_postMessage(
                    channel=user,
                    text=page_text(incident, stage, stages),
                    blocks=page_blocks(
                        incident, paged_by, stage, stages, notice.id, notice.escalation_id
                    ),
                    metadata=page_metadata(notice.id),
                )
            except SlackApiError as exc:
                error = exc.response.get("error")
                log.error("could not DM the page for %s to %s: %s", alias, user, error)
                await self.set(notice.id, delivery=Delivery.NOBODY)
                await say(
                    self.slack,
                    channel_id,
                    f":warning: `{alias}` was paged through AWS, but Slack refused the direct "
                    f"message to <@{user}> ({error}), so no Acknowledge button reached them. "
                    f"Check who `{alias}` is linked to with `/incident whois {alias}`.",
                )
                return Delivery.NOBODY
            posted = {"channel": answer["channel"], "ts": answer["ts"]}
        await self.set(
            notice.id, dm_channel=posted["channel"], dm_ts=posted["ts"], delivery=Delivery.SENT
        )
        await self.plan_reminder(notice.id, 1)
        return Delivery.SENT

    async def _answerer(self, notice: PageNotice, alias: str) -> str | None:
        """Who gets the DM: the person linked to the contact; for an on-call schedule, the
        first linked person AWS paged for it (whoever is on call now); for an escalation plan,
        ``Delivery.PLAN``: each person its stages page, as the mirror finds their page."""
        user = await self.people.slack_user_for(notice.contact_arn, alias)
        if user is not None or notice.engagement_arn is None:
            return user
        kind = (await self.people.contact(notice.contact_arn)).type
        if kind == ContactType.ESCALATION and notice.kind == PageKind.STAGE:
            return Delivery.PLAN
        if kind != ContactType.ONCALL_SCHEDULE:
            return None
        for person in await self.people.paged_for(notice.engagement_arn):
            if user := await self.people.slack_user_for(person, alias_of(person)):
                return user
        return None

    async def update_dm(self, notice: PageNotice, text: str, blocks: list[dict]) -> None:
        """Rewrite a delivered page's DM (acknowledged, closed); others have none to update."""
        if not notice.dm_channel or not notice.dm_ts or not delivered(notice):
            return
        try:
            await self.slack.chat_update(
                channel=notice.dm_channel, ts=notice.dm_ts, text=text, blocks=blocks
            )
        except SlackApiError as exc:
            log.warning(
                "could not update page message %s: %s", notice.dm_ts, exc.response.get("error")
            )

    # -- reminders -------------------------------------------------------------
    async def plan_reminder(self, notice_id: str, reminder: int) -> None:
        """Re-notify at the person's ``RetryIntervalInMinutes`` until they acknowledge."""
        notice = await self.get(notice_id)
        if notice is None:
            return
        if notice.retry_minutes is None:
            contact = await self.people.contact(notice.contact_arn)
            notice.retry_minutes = retry_minutes(contact) or 0
            await self.set(notice_id, retry_minutes=notice.retry_minutes)
        if notice.retry_minutes:
            due = now() + timedelta(seconds=notice.retry_minutes * self.settings.time_scale)
            self.schedule.reminder_at(due, notice_id, reminder)

    async def remind(self, notice_id: str, reminder: int) -> None:
        """Reminder ``reminder`` of an unacknowledged page, in the page's thread, once."""
        async with self.database.session() as session:
            notice = await session.get(PageNotice, notice_id)
            escalation = (
                await session.get(Escalation, notice.escalation_id)
                if notice and notice.escalation_id
                else None
            )
        if notice is None or not notice.dm_channel or not delivered(notice):
            return
        if escalation is not None and escalation.state != EscalationState.RUNNING:
            return
        async with self.database.write() as session:
            claimed = await changed(
                session,
                update(PageNotice)
                .where(
                    PageNotice.id == notice_id,
                    PageNotice.reminders == reminder - 1,
                    PageNotice.acknowledged_by.is_(None),
                )
                .values(reminders=reminder),
            )
        if claimed != 1:
            return
        incident = await self.incidents.get(notice.incident_arn)
        if not incident.is_open:
            return
        await self.slack.chat_postMessage(
            channel=notice.dm_channel,
            thread_ts=notice.dm_ts,
            text=f":alarm_clock: Reminder {reminder}: *{escape(incident.title)}* still waits "
            "for your acknowledgement. Press Acknowledge above.",
        )
        await self.plan_reminder(notice_id, reminder + 1)

    async def audit_reminders(self, known_intervals_only: bool = False) -> None:
        """Plan the next reminder of every page that wants one and has no timer (lost in a
        crash, or held by a former leader); ``known_intervals_only`` skips the pages whose
        retry interval is still to be read from AWS (their delivery is planning them)."""
        wanted = PageNotice.retry_minutes > 0
        if not known_intervals_only:
            wanted = wanted | PageNotice.retry_minutes.is_(None)
        query = (
            select(PageNotice)
            .join(Escalation, Escalation.id == PageNotice.escalation_id)
            .where(Escalation.state == EscalationState.RUNNING, WAITING, wanted)
        )
        async with self.database.session() as session:
            awaiting = (await session.scalars(query)).all()
        for notice in awaiting:
            if not self.schedule.has_reminder(notice.id, notice.reminders + 1):
                await self.plan_reminder(notice.id, notice.reminders + 1)


def delivered(notice: PageNotice) -> bool:
    return notice.delivery == Delivery.SENT
