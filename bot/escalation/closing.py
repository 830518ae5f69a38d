"""Ending escalations: acknowledged, stopped by a person, or stopped because the incident was
resolved; each once (compare-and-set), with its other pages' engagements stopped."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import update

from bot.aws.contacts import ContactsPort
from bot.background.schedule import Schedule
from bot.contacts import alias_of
from bot.errors import DomainError
from bot.escalation import rows
from bot.escalation.events import EscalationClosed, PagesWithdrawn
from bot.escalation.notices import PageNotices
from bot.events import Bus
from bot.incidents.record import Incident
from bot.incidents.service import IncidentService
from bot.store.schema import Escalation, PageNotice
from bot.vocabulary import EscalationState

log = logging.getLogger(__name__)

RESOLVED_STOP = "The incident was resolved; paging stopped."


@dataclass(frozen=True)
class Closed:
    """An escalation ended here: its alias, its pages nobody need answer now, and the
    engagements AWS refused to stop (whose contact may still be paged by AWS), by contact
    alias, with AWS's reason."""

    alias: str
    withdrawn: PagesWithdrawn
    refused: dict[str, str] = field(default_factory=dict)


class Closing:
    def __init__(
        self,
        contacts: ContactsPort,
        notices: PageNotices,
        incidents: IncidentService,
        schedule: Schedule,
        bus: Bus,
    ) -> None:
        self.contacts = contacts
        self.notices = notices
        self.database = notices.database
        self.incidents = incidents
        self.schedule = schedule
        self.bus = bus

    async def close(
        self,
        escalation_id: str,
        state: EscalationState,
        by: str | None,
        incident: Incident,
        why: str,
    ) -> Closed | None:
        """Move a running escalation to ``state``; stop its other open engagements. None: it
        was not running (someone else closed it). Whoever closes says so on the bus."""
        claimed = await self.database.compare_and_set(
            update(Escalation)
            .where(Escalation.id == escalation_id, Escalation.state == EscalationState.RUNNING)
            .values(state=state, acknowledged_by=by)
        )
        if not claimed:
            return None
        escalation = await rows.escalation(self.database, escalation_id)
        self.schedule.cancel(escalation_id, escalation.current_stage + 1)
        others = await self.notices.unanswered(PageNotice.escalation_id == escalation_id)
        closed = Closed(escalation.contact_alias, PagesWithdrawn(incident, why, tuple(others)))
        engaged = {o.engagement_arn: o.contact_arn for o in others if o.engagement_arn}
        for engagement, contact_arn in engaged.items():
            try:  # an escalation plan target's pages share its one engagement
                await self.contacts.stop_engagement(engagement, why)
            except DomainError as error:
                log.warning("could not stop %s: %s", engagement, error.message)
                closed.refused[alias_of(contact_arn)] = error.message
        return closed

    async def stop(self, escalation_id: str, incident: Incident, why: str) -> Closed | None:
        """Stop a running escalation (once) and show it stopped."""
        closed = await self.close(escalation_id, EscalationState.STOPPED, None, incident, why)
        if closed is not None:
            await self.bus.publish(EscalationClosed(escalation_id, closed.withdrawn))
        return closed

    async def stop_all(self, incident_arn: str, by: str) -> list[Closed]:
        """Stop every running escalation of the incident; what each stop did."""
        incident = await self.incidents.get(incident_arn)
        why = f"Paging stopped by <@{by}>."
        stopped = [
            await self.stop(e.id, incident, why)
            for e in await rows.running(self.database, incident_arn)
        ]
        return [closed for closed in stopped if closed is not None]

    async def incident_resolved(self, incident_arn: str) -> None:
        """Nobody is paged for a resolved incident: stop its escalations, and tell the people
        AWS paged by itself that their page is moot."""
        incident = await self.incidents.get(incident_arn)
        for escalation in await rows.running(self.database, incident_arn):
            await self.stop(escalation.id, incident, RESOLVED_STOP)
        mirrored = await self.notices.unanswered(
            PageNotice.incident_arn == incident_arn, PageNotice.escalation_id.is_(None)
        )
        why = "The incident was resolved; no need to respond."
        await self.bus.publish(PagesWithdrawn(incident, why, tuple(mirrored)))
