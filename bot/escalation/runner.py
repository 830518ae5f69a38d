"""Advances escalations one stage at a time: a stage starts when its timer fires (or someone
presses Escalate now) if it is still the next one, the incident still open and nobody essential
answered in AWS meanwhile.

Every step that must happen once is claimed in the database first (a compare-and-set
UPDATE, or an INSERT on a unique key), so a duplicate timer, a second replica or a
restart finds the step taken and does nothing. AWS calls carry idempotency tokens made
from the same ids, so a step resumed after a crash repeats no engagement.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from bot.escalation import rows
from bot.escalation.answers import AnswersInAws
from bot.escalation.closing import RESOLVED_STOP, Closing
from bot.escalation.engaging import Engaging, FirstStages, StageStart
from bot.escalation.events import EscalationClosed
from bot.escalation.notices import now
from bot.escalation.plan import load_stages
from bot.escalation.timers import StageTimers
from bot.events import Bus
from bot.incidents.record import Incident
from bot.incidents.service import IncidentService
from bot.store.database import Database
from bot.store.schema import Escalation
from bot.tokens import client_token
from bot.vocabulary import EscalationState


def stage_taken(stage: int, finished: bool, started: datetime) -> dict[str, object]:
    """An escalation's columns once ``stage`` is taken (past the last one: exhausted)."""
    values: dict[str, object] = {"current_stage": stage, "stage_started_at": started}
    if finished:
        values["state"] = EscalationState.EXHAUSTED
    return values


class EscalationRunner:
    def __init__(
        self,
        database: Database,
        incidents: IncidentService,
        engaging: Engaging,
        closing: Closing,
        answers: AnswersInAws,
        timers: StageTimers,
        first_stages: FirstStages,
        bus: Bus,
    ) -> None:
        self.database = database
        self.incidents = incidents
        self.engaging = engaging
        self.closing = closing
        self.answers = answers
        self.timers = timers
        self.first_stages = first_stages
        self.bus = bus

    async def advance(
        self, escalation_id: str, stage: int, starting: bool = False
    ) -> StageStart | None:
        """Start ``stage`` if it is the next one and the escalation still runs (CAS); an
        incident resolved meanwhile (in Slack or in AWS) stops it instead. None: not started.

        The first stage of an escalation ``Escalations.start`` is beginning is left to it
        (``starting``), so the auditor does not take it over and its requester hears what it
        did."""
        if not starting and self.first_stages.taken(escalation_id, stage):
            return None
        escalation = await rows.escalation(self.database, escalation_id)
        if escalation.state != EscalationState.RUNNING or escalation.current_stage != stage - 1:
            return None  # acknowledged, stopped, or this stage begun already
        incident = await self.incidents.get(escalation.incident_arn)
        if not incident.is_open:
            await self.closing.stop(escalation_id, incident, RESOLVED_STOP)
            return None
        if stage > 0 and (who := await self._answered_in_aws(escalation)):
            await self._answered(escalation, incident, who)
            return None
        stages = load_stages(escalation.stages)
        finished = stage >= len(stages)
        values = stage_taken(stage, finished, now())
        claimed = await self.database.compare_and_set(
            update(Escalation)
            .where(
                Escalation.id == escalation_id,
                Escalation.current_stage == stage - 1,
                Escalation.state == EscalationState.RUNNING,
            )
            .values(**values)
        )
        if not claimed:
            return None
        escalation = await rows.escalation(self.database, escalation_id)
        return await self.engaging.taken(escalation, stages, incident, starting)

    async def _answered(self, escalation: Escalation, incident: Incident, who: str) -> None:
        """An essential contact answered through AWS: the escalation ends acknowledged."""
        why = f"{who} acknowledged outside Slack (through AWS); you need not respond."
        closed = await self.closing.close(
            escalation.id, EscalationState.ACKNOWLEDGED, None, incident, why
        )
        if closed:
            await self.incidents.timeline.note(
                incident.arn,
                f"Page to {who} acknowledged outside Slack; escalation "
                f"{escalation.contact_alias} stopped",
                client_token("ack-aws", escalation.id),
            )
            await self.bus.publish(EscalationClosed(escalation.id, closed.withdrawn))

    async def _answered_in_aws(self, escalation: Escalation) -> str | None:
        """The alias of an essential contact who acknowledged a page of this escalation through
        AWS (an SMS, voice or email answer) rather than in Slack, if one did (a read ahead of
        its next stage counts)."""
        engaged = await rows.essential_engagements(self.database, [escalation.id])
        return await self.answers.who(
            engaged.get(escalation.id, []), self.timers.read_ahead_since(escalation)
        )
