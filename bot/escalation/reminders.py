"""Reminders of an unanswered page, at its person's ``RetryIntervalInMinutes``: each claimed
once (a compare-and-set on the notice's count), then said in Slack by the presenter."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot.background.schedule import Schedule
from bot.config import Settings
from bot.escalation.events import PageReminded
from bot.escalation.notices import WAITING, PageNotices, delivered, now
from bot.events import Bus
from bot.incidents.service import IncidentService
from bot.people import People, retry_minutes
from bot.store.schema import Escalation, PageNotice
from bot.vocabulary import EscalationState


class Reminders:
    def __init__(
        self,
        notices: PageNotices,
        incidents: IncidentService,
        people: People,
        settings: Settings,
        schedule: Schedule,
        bus: Bus,
    ) -> None:
        self.notices = notices
        self.database = notices.database
        self.incidents = incidents
        self.people = people
        self.settings = settings
        self.schedule = schedule
        self.bus = bus

    async def plan(self, notice_id: str, reminder: int) -> None:
        """Re-notify at the person's ``RetryIntervalInMinutes`` until they acknowledge."""
        notice = await self.notices.get(notice_id)
        if notice is None:
            return
        if notice.retry_minutes is None:
            contact = await self.people.contact(notice.contact_arn)
            notice.retry_minutes = retry_minutes(contact) or 0
            await self.notices.set(notice_id, retry_minutes=notice.retry_minutes)
        if notice.retry_minutes:
            due = now() + timedelta(seconds=notice.retry_minutes * self.settings.time_scale)
            self.schedule.reminder_at(due, notice_id, reminder)

    async def remind(self, notice_id: str, reminder: int) -> None:
        """Reminder ``reminder`` of an unacknowledged page, once."""
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
        # AWS is read before the claim, so the claim is the last step before the reminder is
        # said: an acknowledgement made meanwhile still stops it.
        incident = await self.incidents.get(notice.incident_arn)
        if not incident.is_open:
            return
        claimed = await self.database.compare_and_set(
            update(PageNotice)
            .where(
                PageNotice.id == notice_id,
                PageNotice.reminders == reminder - 1,
                PageNotice.acknowledged_by.is_(None),
            )
            .values(reminders=reminder)
        )
        if not claimed:
            return
        await self.bus.publish(PageReminded(notice, incident, reminder))
        await self.plan(notice_id, reminder + 1)

    async def audit(self, known_intervals_only: bool = False) -> None:
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
                await self.plan(notice.id, notice.reminders + 1)
