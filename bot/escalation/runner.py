"""Runs escalations: starts them, engages each stage once, advances when a stage's time is up.

Every step that must happen once is claimed in the database first (a compare-and-set
UPDATE, or an INSERT on a unique key), so a duplicate timer, a second replica or a
restart finds the step taken and does nothing. AWS calls carry idempotency tokens made
from the same ids, so a step resumed after a crash repeats no engagement.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.aws.contacts import ContactsPort
from bot.background.schedule import Schedule
from bot.blocks.paging import status_blocks
from bot.config import Settings
from bot.contacts import Contact
from bot.errors import Conflict, DomainError, InvalidInput
from bot.escalation import rows
from bot.escalation.answers import READ_AT, AnswersInAws, look_ahead
from bot.escalation.closing import RESOLVED_STOP, Closing
from bot.escalation.mirror import Mirror
from bot.escalation.notices import PageNotices, now, sending
from bot.escalation.plan import Stage, Target, dump_stages, load_stages, stages_of
from bot.escalation.status import EscalationStatus, next_stage_due
from bot.escalation.wave import Due, WaveGate
from bot.incidents.record import Incident
from bot.incidents.service import IncidentService
from bot.mrkdwn import escape
from bot.people import People
from bot.slack.messages import display_name
from bot.slack.notify import say
from bot.store.database import Database, changed
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


def stage_taken(stage: int, finished: bool, started: datetime) -> dict[str, object]:
    """An escalation's columns once ``stage`` is taken (past the last one: exhausted)."""
    values: dict[str, object] = {"current_stage": stage, "stage_started_at": started}
    if finished:
        values["state"] = EscalationState.EXHAUSTED
    return values


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


class EscalationRunner:
    def __init__(
        self,
        contacts: ContactsPort,
        database: Database,
        slack: AsyncWebClient,
        incidents: IncidentService,
        people: People,
        settings: Settings,
        schedule: Schedule,
    ) -> None:
        self.contacts = contacts
        self.database = database
        self.slack = slack
        self.incidents = incidents
        self.people = people
        self.settings = settings
        self.schedule = schedule
        self.notices = PageNotices(database, slack, incidents, people, settings, schedule)
        self.status = EscalationStatus(database, slack, settings)
        self.mirror = Mirror(contacts, self.notices, self.status.refresh)
        self.closing = Closing(contacts, self.notices, incidents, self.status, schedule)
        self.answers = AnswersInAws(contacts)
        self._pages_first = WaveGate()  # due waves' DMs after their pages
        self._starting: set[str] = set()  # escalations whose first stage start() begins itself

    # -- starting ------------------------------------------------------------
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
        self._starting.add(escalation.id)
        try:
            return await self._begin(escalation, incident, contact, stages)
        finally:
            self._starting.discard(escalation.id)

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
            started = await self.advance(escalation.id, 0, starting=True) or StageStart()
        except DomainError as error:  # the row is there: the auditor starts it when AWS answers
            failure = error
        await self._post_status(escalation, contact, stages)
        if failure is not None:
            raise type(failure)(
                f"The page of `{contact.alias}` is recorded, but its first stage could not start "
                f"yet: {failure.message} The bot retries it within a minute; `/incident pages` "
                "shows it and `/incident stop-paging` stops it."
            ) from failure
        return started

    async def _post_status(
        self, escalation: Escalation, contact: Contact, stages: list[Stage]
    ) -> None:
        """The escalation's live message in the incident channel, showing who was paged."""
        if not escalation.channel_id:
            return
        try:
            posted = await self.slack.chat_postMessage(
                channel=escalation.channel_id,
                text=f"Paging {contact.alias}",
                blocks=status_blocks(
                    contact.alias, stages, 0, EscalationState.RUNNING, {}, {}, None, escalation.id
                ),
            )
        except SlackApiError as exc:  # paging matters more than its status message
            log.error(
                "could not post the paging status in %s: %s",
                escalation.channel_id,
                exc.response.get("error"),
            )
            return
        await rows.set_escalation(self.database, escalation.id, status_ts=posted["ts"])
        await self.status.refresh(escalation.id)  # who was paged meanwhile

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

    # -- stages --------------------------------------------------------------
    async def advance(
        self, escalation_id: str, stage: int, starting: bool = False
    ) -> StageStart | None:
        """Start ``stage`` if it is the next one and the escalation still runs (CAS); an
        incident resolved meanwhile (in Slack or in AWS) stops it instead. None: not started.

        The first stage of an escalation ``start`` is beginning is left to it (``starting``),
        so the auditor does not take it over and its requester hears what it did."""
        if stage == 0 and not starting and escalation_id in self._starting:
            return None
        escalation = await rows.escalation(self.database, escalation_id)
        if escalation.state != EscalationState.RUNNING or escalation.current_stage != stage - 1:
            return None  # acknowledged, stopped, or this stage begun already
        incident = await self.incidents.get(escalation.incident_arn)
        if not incident.is_open:
            await self.closing.stop(escalation_id, incident, RESOLVED_STOP)
            return None
        if stage > 0 and (who := await self._answered_in_aws(escalation)):
            why = f"{who} acknowledged outside Slack (through AWS); you need not respond."
            closed = await self.closing.close(
                escalation_id, EscalationState.ACKNOWLEDGED, None, incident, why
            )
            if closed:
                await self.incidents.timeline.note(
                    incident.arn,
                    f"Page to {who} acknowledged outside Slack; escalation "
                    f"{escalation.contact_alias} stopped",
                    client_token("ack-aws", escalation_id),
                )
                await self.status.refresh(escalation_id)
            return None
        stages = load_stages(escalation.stages)
        finished = stage >= len(stages)
        values = stage_taken(stage, finished, now())
        async with self.database.write() as session:
            claimed = await changed(
                session,
                update(Escalation)
                .where(
                    Escalation.id == escalation_id,
                    Escalation.current_stage == stage - 1,
                    Escalation.state == EscalationState.RUNNING,
                )
                .values(**values),
            )
        if claimed != 1:
            return None
        escalation = await rows.escalation(self.database, escalation_id)
        started = StageStart()
        if finished:
            await self._exhausted(escalation)
        else:
            started = await self.engage_stage(escalation, stages, starting, incident)
        await self.status.refresh(escalation_id)
        return started

    async def claim_wave(self, due: Collection[Due]) -> dict[Due, Awaitable[object]]:
        """Stages that fell due together, claimed at once: one read of their escalations, one
        transaction that takes each stage (the same compare-and-set as ``advance``) with its
        targets' page claims; then what is left of each claimed stage (engage, DM, status),
        keyed by (escalation, stage). A stage the fast way cannot take (its incident resolved
        or unread, a page of it answered in AWS, a claim left by a crash) goes the one-by-one
        way of ``advance``; one no longer due is left out."""
        wanted = {eid: stage for eid, stage in due if not (stage == 0 and eid in self._starting)}
        async with self.database.session() as session:
            found = (
                await session.scalars(select(Escalation).where(Escalation.id.in_(list(wanted))))
            ).all()
        ready = {
            e.id: e
            for e in found
            if e.state == EscalationState.RUNNING and e.current_stage == wanted[e.id] - 1
        }
        arns = list(dict.fromkeys(e.incident_arn for e in ready.values()))
        read = await asyncio.gather(*(self.incidents.get(a) for a in arns), return_exceptions=True)
        incidents = {a: i for a, i in zip(arns, read, strict=True) if isinstance(i, Incident)}
        slow = {
            eid
            for eid, e in ready.items()
            if e.incident_arn not in incidents or not incidents[e.incident_arn].is_open
        }
        engaged = await self._essential_engagements(e for e in ready if wanted[e] > 0)
        answered = await asyncio.gather(
            *(
                self.answers.who(arns, self._read_ahead_since(ready[eid]), urgent=True)
                for eid, arns in engaged.items()
            )
        )
        slow |= {eid for eid, who in zip(engaged, answered, strict=True) if who}
        fast = {eid: e for eid, e in ready.items() if eid not in slow}
        claimed = await self._claim_stages(fast, wanted, incidents)
        if claimed is None:  # a claim taken before (a crash): each its own way
            claimed, slow = {}, slow | set(fast)
        work: dict[Due, Awaitable[object]] = {
            (eid, wanted[eid]): self.advance(eid, wanted[eid]) for eid in slow
        }
        engaging = [e for e, _ in claimed.values() if e.state != EscalationState.EXHAUSTED]
        self._pages_first.expect(len(engaging))
        for eid, (escalation, stages) in claimed.items():
            incident = incidents[escalation.incident_arn]
            work[(eid, wanted[eid])] = self._claimed(escalation, stages, incident)
        return work

    async def read_ahead(self, due: Collection[Due]) -> dict[Due, Awaitable[object]]:
        """Stages about to fall due: whether anyone answered their escalations' pages in AWS,
        read now (their engagements found in one read), so their due wave need not ask."""
        engaged = await self._essential_engagements(eid for eid, stage in due if stage > 0)
        return {(eid, stage): self.answers.read(engaged.get(eid, [])) for eid, stage in due}

    def _read_ahead_since(self, escalation: Escalation) -> float | None:
        """From when a read of the answers to the escalation's pages counts for its next stage."""
        stages = load_stages(escalation.stages)
        due = next_stage_due(escalation, stages, self.settings.time_scale)
        minutes = stages[escalation.current_stage].minutes
        if due is None or minutes is None:
            return None
        return due.timestamp() - look_ahead(minutes, self.settings.time_scale)

    async def _claim_stages(
        self, ready: dict[str, Escalation], wanted: dict[str, int], incidents: dict[str, Incident]
    ) -> dict[str, tuple[Escalation, list[Stage]]] | None:
        """One transaction: each stage taken if it is still the next one, with its targets'
        page claims; the escalations taken (as they are now) with their stages. None when one
        of the claims existed already (then nothing is taken)."""
        stages = {eid: load_stages(e.stages) for eid, e in ready.items()}
        groups: dict[tuple[int, bool], list[str]] = {}
        for eid in ready:
            groups.setdefault((wanted[eid], wanted[eid] >= len(stages[eid])), []).append(eid)
        started = now()
        taken: dict[str, tuple[Escalation, list[Stage]]] = {}
        try:
            async with self.database.write(urgent=True) as session:
                for (stage, finished), ids in groups.items():
                    values = stage_taken(stage, finished, started)
                    won = await session.scalars(
                        update(Escalation)
                        .where(
                            Escalation.id.in_(ids),
                            Escalation.current_stage == stage - 1,
                            Escalation.state == EscalationState.RUNNING,
                        )
                        .values(**values)
                        .returning(Escalation.id)
                        .execution_options(synchronize_session=False)
                    )
                    for eid in won.all():
                        escalation = ready[eid]
                        escalation.current_stage, escalation.stage_started_at = stage, started
                        if finished:
                            escalation.state = EscalationState.EXHAUSTED
                        else:
                            incident = incidents[escalation.incident_arn]
                            session.add_all(
                                sending(stage_notice(escalation, stage, target, incident))
                                for target in stages[eid][stage].targets
                            )
                        taken[eid] = (escalation, stages[eid])
        except IntegrityError:
            return None
        return taken

    async def _claimed(
        self, escalation: Escalation, stages: list[Stage], incident: Incident
    ) -> StageStart:
        """The rest of a stage a due wave claimed: the next timer, the pages, the status."""
        started = StageStart()
        if escalation.state == EscalationState.EXHAUSTED:
            await self._exhausted(escalation)
        else:
            started = await self.engage_stage(
                escalation, stages, False, incident, self._pages_first
            )
        await self.status.refresh(escalation.id)
        return started

    async def _answered_in_aws(self, escalation: Escalation) -> str | None:
        """The alias of an essential contact who acknowledged a page of this escalation through
        AWS (an SMS, voice or email answer) rather than in Slack, if one did (a read ahead of
        its next stage counts)."""
        engaged = await self._essential_engagements([escalation.id])
        return await self.answers.who(
            engaged.get(escalation.id, []), self._read_ahead_since(escalation)
        )

    async def _essential_engagements(self, escalation_ids: Iterable[str]) -> dict[str, list[str]]:
        """Each escalation's engagements of essential contacts, in one read."""
        async with self.database.session() as session:
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

    def schedule_next(self, escalation: Escalation, stages: list[Stage]) -> None:
        """The timer of the escalation's next stage, and of the read of its answers ahead."""
        scale = self.settings.time_scale
        due = next_stage_due(escalation, stages, scale)
        minutes = stages[escalation.current_stage].minutes
        if due is not None and minutes is not None:
            ahead = look_ahead(minutes, scale) * READ_AT
            self.schedule.stage_at(due, escalation.id, escalation.current_stage + 1, ahead)

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
            if stage == 0 and not starting and escalation.id in self._starting:
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
        self.schedule_next(escalation, stages)  # on time, however long the DMs take
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
        await say(
            self.slack,
            escalation.channel_id,
            f":warning: Could not page `{target.alias}`: {error.message}",
        )

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
        requester = await display_name(self.slack, escalation.requested_by)
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
        delivery = await self.notices.deliver(
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

    async def _exhausted(self, escalation: Escalation) -> None:
        await say(
            self.slack,
            escalation.channel_id,
            f":rotating_light: Every stage of `{escalation.contact_alias}` "
            "ran and no essential contact acknowledged. Use *Page again* on the "
            "escalation message, or page someone else.",
        )

    async def escalate_now(self, escalation_id: str) -> bool:
        escalation = await rows.escalation(self.database, escalation_id)
        if escalation.state != EscalationState.RUNNING:
            raise InvalidInput(f"This escalation is no longer running ({escalation.state}).")
        stage = escalation.current_stage + 1
        if await self.advance(escalation_id, stage):
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
