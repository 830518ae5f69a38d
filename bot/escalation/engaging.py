"""Engaging a stage's targets: each claimed once (escalation, stage, target), engaged through
AWS with an idempotency token made from the same ids, then its person told."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import select

from bot.aws.contacts import ContactsPort
from bot.directory import Directory
from bot.errors import DomainError
from bot.escalation.delivery import Deliveries
from bot.escalation.events import EscalationExhausted, StageStarted, TargetNotPaged
from bot.escalation.mirror import Mirror
from bot.escalation.notices import PageNotices
from bot.escalation.plan import Stage, Target
from bot.escalation.timers import StageTimers
from bot.escalation.wave import WaveGate
from bot.events import Bus
from bot.incidents.record import Incident
from bot.incidents.service import IncidentService
from bot.store.schema import Escalation, PageNotice
from bot.tokens import client_token
from bot.vocabulary import Claim, Delivery, EscalationState, PageKind

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Engaged:
    """A target engaged through AWS, its person not told yet."""

    notice: PageNotice
    claim: Claim
    requester: str  # who paged, as the DM names them


@dataclass(frozen=True)
class StageStart:
    """A stage begun: the targets AWS engaged, and those it refused with why."""

    paged: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


class FirstStages:
    """The escalations whose first stage ``Escalations.start`` is beginning in this process,
    so no timer, wave or audit takes it over and its requester hears what it did."""

    def __init__(self) -> None:
        self._ids: set[str] = set()

    def add(self, escalation_id: str) -> None:
        self._ids.add(escalation_id)

    def discard(self, escalation_id: str) -> None:
        self._ids.discard(escalation_id)

    def taken(self, escalation_id: str, stage: int) -> bool:
        """Whether ``stage`` of the escalation is a first stage being begun here."""
        return stage == 0 and escalation_id in self._ids


def stage_notice(
    escalation: Escalation, stage: int, target: Target, incident: Incident
) -> PageNotice:
    """The notice of one target's page in a stage: its id makes it claimable once."""
    return PageNotice(
        id=client_token(escalation.id, str(stage), target.contact_arn),
        kind=PageKind.STAGE,
        escalation_id=escalation.id,
        stage=stage,
        incident_arn=incident.arn,
        contact_arn=target.contact_arn,
        engagement_arn=None,
        essential=target.essential,
    )


class Engaging:
    def __init__(
        self,
        contacts: ContactsPort,
        notices: PageNotices,
        deliveries: Deliveries,
        mirror: Mirror,
        incidents: IncidentService,
        directory: Directory,
        timers: StageTimers,
        first_stages: FirstStages,
        bus: Bus,
    ) -> None:
        self.contacts = contacts
        self.notices = notices
        self.database = notices.database
        self.deliveries = deliveries
        self.mirror = mirror
        self.incidents = incidents
        self.directory = directory
        self.timers = timers
        self.first_stages = first_stages
        self.bus = bus

    async def taken(
        self,
        escalation: Escalation,
        stages: list[Stage],
        incident: Incident,
        starting: bool = False,
        wave: WaveGate | None = None,
    ) -> StageStart:
        """The rest of a stage just claimed: its targets engaged and told (past the last
        stage: the channel told nobody answered), then said."""
        if escalation.state == EscalationState.EXHAUSTED:
            exhausted = EscalationExhausted(
                escalation.id, escalation.channel_id, escalation.contact_alias
            )
            await self.bus.publish(exhausted)
            return StageStart()
        started = await self.engage_stage(escalation, stages, starting, incident, wave)
        await self.bus.publish(StageStarted(escalation.id, escalation.current_stage))
        return started

    async def engage_stage(
        self,
        escalation: Escalation,
        stages: list[Stage],
        starting: bool = False,
        incident: Incident | None = None,
        wave: WaveGate | None = None,
    ) -> StageStart:
        """Engage every target of the current stage, plan the next stage, then DM them; safe
        to repeat after a crash. In a due ``wave`` the targets' notices were inserted with the
        stage's claim, and the DMs wait (a little) for the pages of every wave to go out first."""
        started = StageStart()
        stage = escalation.current_stage
        engaged: list[tuple[Target, Engaged]] = []
        try:
            if not starting and self.first_stages.taken(escalation.id, stage):
                return started  # start() is engaging it in this process
            incident = incident or await self.incidents.get(escalation.incident_arn)
            for target in stages[stage].targets:
                try:
                    page = await self._engage(
                        escalation, stage, len(stages), target, incident, wave is not None
                    )
                except DomainError as error:
                    await self._not_paged(escalation, target, error, started)
                    continue
                if page is None:  # done already, or another worker is on it
                    started.paged.append(target.alias)
                else:
                    engaged.append((target, page))
        finally:
            if wave is not None:
                wave.arrived()
        self.timers.plan_next(escalation, stages)  # on time, however long the DMs take
        if wave is not None:
            await wave.passed()
        for target, page in engaged:
            try:
                await self._tell(escalation, stage, len(stages), target, page, incident)
            except DomainError as error:
                await self._not_paged(escalation, target, error, started)
            else:
                started.paged.append(target.alias)
        return started

    async def _not_paged(
        self, escalation: Escalation, target: Target, error: DomainError, started: StageStart
    ) -> None:
        log.error("could not page %s: %s", target.alias, error.message)
        started.failed[target.alias] = error.message
        await self.bus.publish(TargetNotPaged(escalation.channel_id, target.alias, error.message))

    async def _engage(
        self,
        escalation: Escalation,
        stage: int,
        stages: int,
        target: Target,
        incident: Incident,
        claimed: bool = False,
    ) -> Engaged | None:
        """Claim (escalation, stage, target) and engage it through AWS; None: done already."""
        notice = stage_notice(escalation, stage, target, incident)
        claim = Claim.NEW if claimed else await self.notices.claim(notice)
        if claim is None:
            return None
        requester = await self.directory.name_of(escalation.requested_by)
        engaged = None
        if claim is Claim.RETAKEN:  # only a claim reclaimed after a crash can find one set
            async with self.database.session() as session:
                engaged = await session.scalar(
                    select(PageNotice.engagement_arn).where(PageNotice.id == notice.id)
                )
        if engaged is None:
            engaged = await self.contacts.start_engagement(
                target.contact_arn,
                f"[Impact {incident.impact}] {incident.title}",
                f"{incident.title}\nPaged by {requester} from Slack (stage {stage + 1} "
                f"of {stages}).\nIncident: {incident.arn}",
                incident.arn,
                notice.id,
            )
            await self.notices.set(notice.id, engagement_arn=engaged)
        notice.engagement_arn = engaged
        return Engaged(notice, claim, requester)

    async def _tell(
        self,
        escalation: Escalation,
        stage: int,
        stages: int,
        target: Target,
        page: Engaged,
        incident: Incident,
    ) -> None:
        """DM the person an engaged target pages (or mirror a plan's pages)."""
        delivery = await self.deliveries.deliver(
            page.notice,
            page.claim,
            target.alias,
            incident,
            page.requester,
            stage + 1,
            stages,
            escalation.channel_id,
        )
        if delivery is Delivery.PLAN and page.notice.engagement_arn:  # its people, at once
            await self.mirror.engagement(incident, page.notice.engagement_arn)
