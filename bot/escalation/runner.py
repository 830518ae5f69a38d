"""Runs escalations: engages each stage once, waits, acknowledges, keeps its status current.

Every step that must happen once is claimed in the database first (a compare-and-set
UPDATE, or an INSERT on a unique key), so a duplicate timer, a second replica or a
restart finds the step taken and does nothing. AWS calls carry idempotency tokens made
from the same ids, so a step resumed after a crash repeats no engagement.
"""

from __future__ import annotations

import logging
import uuid

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select, update

from bot.aws.gateway import CONTACTS, AwsGateway
from bot.config import Settings
from bot.errors import DomainError, InvalidInput, NotFound
from bot.escalation.mirror import Mirror
from bot.escalation.notices import PLAN, RUNNING, STAGE_PAGE, PageNotices, now
from bot.escalation.plan import Stage, Target, alias_of, dump_stages, load_stages, stages_of
from bot.escalation.schedule import Schedule
from bot.escalation.status import EscalationStatus, next_stage_due
from bot.incidents.record import Incident
from bot.incidents.service import IncidentService
from bot.people import Contact, People
from bot.slack.blocks import escape
from bot.slack.messages import display_name, group_members
from bot.slack.notify import say
from bot.slack.paging_blocks import acknowledged_blocks, closed_blocks, status_blocks
from bot.store.database import Database
from bot.store.schema import Escalation, PageNotice
from bot.tokens import client_token

log = logging.getLogger(__name__)

ACKNOWLEDGED, EXHAUSTED, STOPPED = "acknowledged", "exhausted", "stopped"
RESOLVED_STOP = "The incident was resolved; paging stopped."


class EscalationRunner:
    def __init__(
        self,
        gateway: AwsGateway,
        database: Database,
        slack: AsyncWebClient,
        incidents: IncidentService,
        people: People,
        settings: Settings,
        schedule: Schedule,
    ) -> None:
        self.gateway = gateway
        self.database = database
        self.slack = slack
        self.incidents = incidents
        self.people = people
        self.settings = settings
        self.schedule = schedule
        self.notices = PageNotices(database, slack, incidents, people, settings, schedule)
        self.status = EscalationStatus(database, slack, settings)
        self.mirror = Mirror(gateway, self.notices, self.status.refresh)

    # -- starting ------------------------------------------------------------
    async def start(self, incident: Incident, contact: Contact, requested_by: str) -> str:
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
            state=RUNNING,
        )
        async with self.database.write() as session:
            session.add(escalation)
        if escalation.channel_id:
            try:
                posted = await self.slack.chat_postMessage(
                    channel=escalation.channel_id,
                    text=f"Paging {contact.alias}",
                    blocks=status_blocks(
                        contact.alias, stages, 0, RUNNING, {}, {}, None, escalation.id
                    ),
                )
            except SlackApiError as exc:  # paging matters more than its status message
                log.error(
                    "could not post the paging status in %s: %s",
                    escalation.channel_id,
                    exc.response.get("error"),
                )
            else:
                await self._set(escalation.id, status_ts=posted["ts"])
        await self.advance(escalation.id, 0)
        return escalation.id

    async def _get(self, escalation_id: str) -> Escalation:
        async with self.database.session() as session:
            escalation = await session.get(Escalation, escalation_id)
        if escalation is None:
            raise NotFound("That escalation no longer exists.")
        return escalation

    async def _set(self, escalation_id: str, **values: object) -> None:
        async with self.database.write() as session:
            await session.execute(
                update(Escalation).where(Escalation.id == escalation_id).values(**values)
            )

    # -- stages --------------------------------------------------------------
    async def advance(self, escalation_id: str, stage: int) -> bool:
        """Start ``stage`` if it is the next one and the escalation still runs (CAS); an
        incident resolved meanwhile (in Slack or in AWS) stops it instead."""
        escalation = await self._get(escalation_id)
        if escalation.state != RUNNING or escalation.current_stage != stage - 1:
            return False  # acknowledged, stopped, or this stage begun already
        incident = await self.incidents.get(escalation.incident_arn)
        if not incident.is_open:
            await self._stop(escalation_id, incident, RESOLVED_STOP)
            return False
        if stage > 0 and (who := await self._answered_in_aws(escalation_id)):
            why = f"{who} acknowledged outside Slack (through AWS); you need not respond."
            if await self._close_escalation(escalation_id, ACKNOWLEDGED, None, incident, why):
                await self.incidents.write_timeline(
                    incident.arn,
                    f"Page to {who} acknowledged outside Slack; escalation "
                    f"{escalation.contact_alias} stopped",
                    client_token("ack-aws", escalation_id),
                )
                await self.status.refresh(escalation_id)
            return False
        stages = load_stages(escalation.stages)
        finished = stage >= len(stages)
        values: dict[str, object] = {"current_stage": stage, "stage_started_at": now()}
        if finished:
            values["state"] = EXHAUSTED
        async with self.database.write() as session:
            claimed = await session.execute(
                update(Escalation)
                .where(
                    Escalation.id == escalation_id,
                    Escalation.current_stage == stage - 1,
                    Escalation.state == RUNNING,
                )
                .values(**values)
            )
        if claimed.rowcount != 1:
            return False
        escalation = await self._get(escalation_id)
        if finished:
            await self._exhausted(escalation)
        else:
            await self.engage_stage(escalation, stages)
            self._schedule_next(escalation, stages)
        await self.status.refresh(escalation_id)
        return True

    async def _answered_in_aws(self, escalation_id: str) -> str | None:
        """The alias of an essential contact who acknowledged a page of this escalation through
        AWS (an SMS, voice or email answer) rather than in Slack, if one did."""
        async with self.database.session() as session:
            engaged = (
                await session.scalars(
                    select(PageNotice.engagement_arn).where(
                        PageNotice.escalation_id == escalation_id,
                        PageNotice.essential.is_(True),
                        PageNotice.engagement_arn.is_not(None),
                    )
                )
            ).all()
        for engagement in dict.fromkeys(engaged):
            try:
                pages = await self.gateway.pages(
                    CONTACTS, "list_pages_by_engagement", "Pages", EngagementId=engagement
                )
            except DomainError as error:  # unsure: page on rather than miss someone
                log.warning("could not read the pages of %s: %s", engagement, error.message)
                continue
            if read := next((page for page in pages if page.get("ReadTime")), None):
                return alias_of(read["ContactArn"])
        return None

    def _schedule_next(self, escalation: Escalation, stages: list[Stage]) -> None:
        due = next_stage_due(escalation, stages, self.settings.time_scale)
        if due is not None:
            self.schedule.stage_at(due, escalation.id, escalation.current_stage + 1)

    async def engage_stage(self, escalation: Escalation, stages: list[Stage]) -> None:
        """Engage every target of the current stage; safe to repeat after a crash."""
        incident = await self.incidents.get(escalation.incident_arn)
        stage = escalation.current_stage
        for target in stages[stage].targets:
            try:
                await self._engage(escalation, stage, len(stages), target, incident)
            except DomainError as error:
                log.error("could not page %s: %s", target.alias, error.message)
                await say(
                    self.slack,
                    escalation.channel_id,
                    f":warning: Could not page `{target.alias}`: {error.message}",
                )

    async def _engage(
        self, escalation: Escalation, stage: int, stages: int, target: Target, incident: Incident
    ) -> None:
        """Claim (escalation, stage, target), engage it through AWS, then DM the person."""
        notice = PageNotice(
            id=client_token(escalation.id, str(stage), target.contact_arn),
            kind=STAGE_PAGE,
            escalation_id=escalation.id,
            stage=stage,
            incident_arn=incident.arn,
            contact_arn=target.contact_arn,
            engagement_arn=None,
            essential=target.essential,
        )
        claim = await self.notices.claim(notice)
        if claim is None:
            return  # done already, or another worker is on it
        requester = await display_name(self.slack, escalation.requested_by)
        async with self.database.session() as session:
            engaged = await session.scalar(
                select(PageNotice.engagement_arn).where(PageNotice.id == notice.id)
            )
        if engaged is None:  # only a claim reclaimed after a crash can find one set
            answer = await self.gateway.call(
                CONTACTS,
                "start_engagement",
                ContactId=target.contact_arn,
                Sender="incident-bot",
                Subject=f"[Impact {incident.impact}] {incident.title}"[:2048],
                Content=f"{incident.title}\nPaged by {requester} from Slack (stage {stage + 1} "
                f"of {stages}).\nIncident: {incident.arn}",
                IncidentId=incident.arn,
                IdempotencyToken=notice.id,
            )
            engaged = answer["EngagementArn"]
            await self.notices.set(notice.id, engagement_arn=engaged)
        notice.engagement_arn = engaged
        await self.notices.deliver(
            notice,
            claim,
            target.alias,
            incident,
            requester,
            stage + 1,
            stages,
            escalation.channel_id,
        )
        delivered = await self.notices.get(notice.id)
        if delivered is not None and delivered.dm_ts == PLAN:  # its people, without waiting
            await self.mirror.engagement(incident, engaged)

    async def _exhausted(self, escalation: Escalation) -> None:
        await say(
            self.slack,
            escalation.channel_id,
            f":rotating_light: Every stage of `{escalation.contact_alias}` "
            "ran and no essential contact acknowledged. Use *Page again* on the "
            "escalation message, or page someone else.",
        )

    async def escalate_now(self, escalation_id: str) -> bool:
        escalation = await self._get(escalation_id)
        if escalation.state != RUNNING:
            raise InvalidInput(f"This escalation is no longer running ({escalation.state}).")
        stage = escalation.current_stage + 1
        if await self.advance(escalation_id, stage):
            self.schedule.cancel(escalation_id, stage)
            return True
        return False

    # -- acknowledging ---------------------------------------------------------
    async def acknowledge(self, notice_id: str, clicker: str) -> str:
        """AcceptPage for the pressed page; an essential one ends the escalation."""
        notice = await self.notices.get(notice_id)
        if notice is None:
            raise NotFound("This page is not known to incident-bot any more.")
        if not await self._may_acknowledge(notice, clicker):
            responders = (
                f"a member of <!subteam^{self.settings.responder_group}>"
                if self.settings.responder_group
                else "an on-call responder"
            )
            raise InvalidInput(
                f"Only <@{notice.slack_user_id}>, who was paged, or {responders} "
                "can acknowledge this page."
            )
        at = now()
        async with self.database.write() as session:
            claimed = await session.execute(
                update(PageNotice)
                .where(PageNotice.id == notice_id, PageNotice.acknowledged_by.is_(None))
                .values(acknowledged_by=clicker, acknowledged_at=at)
            )
        if claimed.rowcount != 1:
            return "This page was already acknowledged."
        try:
            await self._accept_pages(notice, clicker)
        except DomainError:
            await self.notices.set(notice_id, acknowledged_by=None, acknowledged_at=None)
            raise
        incident = await self.incidents.get(notice.incident_arn)
        await self.notices.update_dm(
            notice, f"Acknowledged by {clicker}", acknowledged_blocks(incident, clicker, at)
        )
        if notice.escalation_id and notice.essential:
            await self._close_escalation(
                notice.escalation_id,
                ACKNOWLEDGED,
                clicker,
                incident,
                f"Acknowledged by <@{clicker}>; you need not respond.",
            )
        name = await display_name(self.slack, clicker)
        alias = alias_of(notice.contact_arn)
        await self.incidents.write_timeline(
            notice.incident_arn,
            f"Page to {alias} acknowledged in Slack by {name}",
            client_token("ack", notice_id),
        )
        if notice.escalation_id:
            await self.status.refresh(notice.escalation_id)
        return "Acknowledged."

    async def _may_acknowledge(self, notice: PageNotice, clicker: str) -> bool:
        """The paged person, a listed responder, or a member of the responder group."""
        if clicker == notice.slack_user_id or clicker in self.settings.responder_user_ids:
            return True
        group = self.settings.responder_group
        if group is None:
            return False
        try:
            return clicker in await group_members(self.slack, group)
        except SlackApiError as exc:
            log.error("cannot read the members of user group %s: %s", group, exc.response["error"])
            return False

    async def _accept_pages(self, notice: PageNotice, clicker: str) -> None:
        if notice.page_arn:
            pages = [notice.page_arn]
        else:
            listed = await self.gateway.pages(
                CONTACTS, "list_pages_by_engagement", "Pages", EngagementId=notice.engagement_arn
            )
            pages = [page["PageArn"] for page in listed]
        name = await display_name(self.slack, clicker)
        for page in pages:
            await self.gateway.call(
                CONTACTS,
                "accept_page",
                PageId=page,
                AcceptType="READ",
                AcceptCode="000000",
                AcceptCodeValidation="IGNORE",
                Note=f"Acknowledged in Slack by {name} ({clicker})",
            )

    async def _close_escalation(
        self, escalation_id: str, state: str, by: str | None, incident: Incident, why: str
    ) -> bool:
        """Move a running escalation to ``state``; stop its other open engagements."""
        async with self.database.write() as session:
            claimed = await session.execute(
                update(Escalation)
                .where(Escalation.id == escalation_id, Escalation.state == RUNNING)
                .values(state=state, acknowledged_by=by)
            )
        if claimed.rowcount != 1:
            return False
        escalation = await self._get(escalation_id)
        self.schedule.cancel(escalation_id, escalation.current_stage + 1)
        others = await self.notices.unanswered(PageNotice.escalation_id == escalation_id)
        for engagement in dict.fromkeys(o.engagement_arn for o in others if o.engagement_arn):
            try:  # an escalation plan target's pages share its one engagement
                await self.gateway.call(
                    CONTACTS, "stop_engagement", EngagementId=engagement, Reason=why[:255]
                )
            except DomainError as error:
                log.warning("could not stop %s: %s", engagement, error.message)
        for other in others:
            await self.notices.update_dm(other, why, closed_blocks(incident, why))
        return True

    async def incident_resolved(self, incident_arn: str) -> None:
        """Nobody is paged for a resolved incident: stop its escalations, and tell the people
        AWS paged by itself that their page is moot."""
        incident = await self.incidents.get(incident_arn)
        for escalation in await self.running(incident_arn):
            await self._stop(escalation.id, incident, RESOLVED_STOP)
        mirrored = await self.notices.unanswered(
            PageNotice.incident_arn == incident_arn, PageNotice.escalation_id.is_(None)
        )
        why = "The incident was resolved; no need to respond."
        for notice in mirrored:
            await self.notices.update_dm(notice, why, closed_blocks(incident, why))

    async def _stop(self, escalation_id: str, incident: Incident, why: str) -> bool:
        """Stop a running escalation (once) and show it stopped."""
        if not await self._close_escalation(escalation_id, STOPPED, None, incident, why):
            return False
        await self.status.refresh(escalation_id)
        return True

    async def stop_all(self, incident_arn: str, by: str) -> int:
        incident = await self.incidents.get(incident_arn)
        why = f"Paging stopped by <@{by}>."
        return sum(
            [await self._stop(e.id, incident, why) for e in await self.running(incident_arn)]
        )

    async def running(self, incident_arn: str | None = None) -> list[Escalation]:
        query = select(Escalation).where(Escalation.state == RUNNING)
        if incident_arn:
            query = query.where(Escalation.incident_arn == incident_arn)
        async with self.database.session() as session:
            return list((await session.scalars(query.order_by(Escalation.created_at))).all())

    async def page_again(self, escalation_id: str, clicker: str) -> str:
        escalation = await self._get(escalation_id)
        if escalation.state == RUNNING:
            raise InvalidInput("That escalation is still running.")
        incident = await self.incidents.get(escalation.incident_arn)
        contact = await self.people.contact(escalation.contact_arn)
        return await self.start(incident, contact, clicker)

    # -- keeping everything honest ---------------------------------------------
    async def audit(self) -> None:
        """Every running escalation has its current stage engaged and its next stage due, and
        every page that wants reminders has its next one planned (a crash can lose a timer)."""
        for escalation in await self.running():
            stages = load_stages(escalation.stages)
            if escalation.current_stage < 0:
                await self.advance(escalation.id, 0)
                continue
            await self.engage_stage(escalation, stages)  # no-op when all were engaged
            next_stage = escalation.current_stage + 1
            due = next_stage_due(escalation, stages, self.settings.time_scale)
            if due is None or self.schedule.has_stage(escalation.id, next_stage):
                continue
            if due <= now():
                await self.advance(escalation.id, next_stage)
            else:
                self.schedule.stage_at(due, escalation.id, next_stage)
        await self.notices.audit_reminders()
