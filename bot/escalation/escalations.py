"""Escalations as people ask for them: start one (at most one per incident and contact), page
again, escalate now, list those running."""

from __future__ import annotations

import uuid
from datetime import UTC

from sqlalchemy.exc import IntegrityError

from bot.background.schedule import Schedule
from bot.contacts import Contact
from bot.errors import Conflict, DomainError, InvalidInput
from bot.escalation import rows
from bot.escalation.engaging import FirstStages, StageStart
from bot.escalation.events import EscalationStarted
from bot.escalation.notices import now
from bot.escalation.plan import Stage, dump_stages, stages_of
from bot.escalation.runner import EscalationRunner
from bot.events import Bus
from bot.incidents.record import Incident
from bot.incidents.service import IncidentService
from bot.mrkdwn import escape
from bot.people import People
from bot.store.database import Database
from bot.store.schema import Escalation
from bot.vocabulary import EscalationState


class Escalations:
    def __init__(
        self,
        database: Database,
        incidents: IncidentService,
        people: People,
        runner: EscalationRunner,
        schedule: Schedule,
        first_stages: FirstStages,
        bus: Bus,
    ) -> None:
        self.database = database
        self.incidents = incidents
        self.people = people
        self.runner = runner
        self.schedule = schedule
        self.first_stages = first_stages
        self.bus = bus

    async def start(self, incident: Incident, contact: Contact, requested_by: str) -> StageStart:
        """Page ``contact`` for ``incident``: its first stage, begun; at most one escalation runs
        per (incident, contact), so a second request while one runs changes nothing."""
        if not incident.is_open:
            raise InvalidInput(
                f"*{escape(incident.title)}* is resolved, so nobody is paged for it. Reopen it "
                "first (`/incident reopen`) if it needs people again."
            )
        stages = stages_of(contact)
        escalation = Escalation(
            id=str(uuid.uuid4()),
            incident_arn=incident.arn,
            contact_arn=contact.arn,
            contact_alias=contact.alias,
            requested_by=requested_by,
            channel_id=await self.incidents.channel_of(incident.arn),
            stages=dump_stages(stages),
            current_stage=-1,
            state=EscalationState.RUNNING,
        )
        self.first_stages.add(escalation.id)
        try:
            return await self._begin(escalation, incident, contact, stages)
        finally:
            self.first_stages.discard(escalation.id)

    async def _begin(
        self, escalation: Escalation, incident: Incident, contact: Contact, stages: list[Stage]
    ) -> StageStart:
        try:
            async with self.database.write() as session:
                session.add(escalation)
        except IntegrityError:  # the unique index on running escalations
            raise await self._already_paging(incident, contact) from None
        failure: DomainError | None = None
        try:  # the page first: its status message can wait
            started = await self.runner.advance(escalation.id, 0, starting=True) or StageStart()
        except DomainError as error:  # the row is there: the auditor starts it when AWS answers
            failure = error
        await self.bus.publish(
            EscalationStarted(escalation.id, escalation.channel_id, contact.alias, tuple(stages))
        )
        if failure is not None:
            raise type(failure)(
                f"The page of `{contact.alias}` is recorded, but its first stage could not start "
                f"yet: {failure.message} The bot retries it within a minute; `/incident pages` "
                "shows it and `/incident stop-paging` stops it."
            ) from failure
        return started

    async def _already_paging(self, incident: Incident, contact: Contact) -> Conflict:
        running = [
            e
            for e in await rows.running(self.database, incident.arn)
            if e.contact_arn == contact.arn
        ]
        if not running:  # it ended between our insert and this read
            return Conflict(f"`{contact.alias}` was being paged a moment ago; try again.")
        started = running[0].created_at
        started = started if started.tzinfo else started.replace(tzinfo=UTC)  # SQLite: naive
        age = int((now() - started).total_seconds())
        ago = f"{age} s" if age < 120 else f"{age // 60} min"
        return Conflict(
            f"Already paging `{contact.alias}` for *{escape(incident.title)}* (stage "
            f"{max(running[0].current_stage, 0) + 1}, started {ago} ago); nothing was changed. "
            "`/incident pages` shows it, `/incident stop-paging` stops it."
        )

    async def escalate_now(self, escalation_id: str) -> bool:
        """Start the next stage at once (its timer dropped); False: it began already."""
        escalation = await rows.escalation(self.database, escalation_id)
        if escalation.state != EscalationState.RUNNING:
            raise InvalidInput(f"This escalation is no longer running ({escalation.state}).")
        stage = escalation.current_stage + 1
        if await self.runner.advance(escalation_id, stage):
            self.schedule.cancel(escalation_id, stage)
            return True
        return False

    async def running(self, incident_arn: str | None = None) -> list[Escalation]:
        return await rows.running(self.database, incident_arn)

    async def page_again(self, escalation_id: str, clicker: str) -> StageStart:
        escalation = await rows.escalation(self.database, escalation_id)
        if escalation.state == EscalationState.RUNNING:
            raise InvalidInput("That escalation is still running.")
        incident = await self.incidents.get(escalation.incident_arn)
        contact = await self.people.contact(escalation.contact_arn)
        return await self.start(incident, contact, clicker)
