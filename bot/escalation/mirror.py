"""Mirrors pages the runner did not DM itself into Slack, with the same Acknowledge button.

Those are the pages of engagements AWS started on its own (a response plan's engagements on
``StartIncident``, an alarm) and the pages an escalation plan sends when the runner engaged it
as a stage target. Each page is claimed once by its ARN, so every mirror round and every
replica shows it once.

A round lists the engagements started since the round before (one ``ListEngagements`` with a
time range, whatever the number of open incidents) and keeps watching those still running for
an hour, as an escalation plan's later stages page under the engagement it began with.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.aws.contacts import SENDER, ContactsPort
from bot.contacts import Engagement, alias_of
from bot.directory import Directory
from bot.escalation.delivery import Deliveries
from bot.escalation.events import PageMirrored
from bot.escalation.notices import PageNotices
from bot.escalation.plan import load_stages
from bot.events import Bus
from bot.incidents.record import Incident
from bot.incidents.service import IncidentService
from bot.store.schema import Escalation, PageNotice
from bot.vocabulary import Delivery, PageKind

OVERLAP = timedelta(minutes=1)  # AWS's clock and ours may differ
WATCH = timedelta(hours=1)  # how long an engagement may go on paging (a new leader looks back)


class Mirror:
    def __init__(
        self,
        contacts: ContactsPort,
        notices: PageNotices,
        deliveries: Deliveries,
        incidents: IncidentService,
        directory: Directory,
        bus: Bus,
    ) -> None:
        self.contacts = contacts
        self.notices = notices
        self.database = notices.database
        self.deliveries = deliveries
        self.incidents = incidents
        self.directory = directory
        self.bus = bus
        self._since: datetime | None = None  # when the last round began, in this process
        self._watching: dict[str, Engagement] = {}  # running engagements of incidents, by ARN

    async def run(self) -> None:
        """One round over the engagements started since the last and those still watched."""
        began = datetime.now(UTC)
        since = (self._since or began - WATCH) - OVERLAP
        for found in await self.contacts.engagements_since(since):
            if found.stopped:
                self._watching.pop(found.arn, None)
            elif found.incident_arn:
                self._watching[found.arn] = found
        self._since = began
        open_now = {i.arn: i for i in await self.incidents.list("open")}
        for engagement in list(self._watching.values()):
            incident = open_now.get(engagement.incident_arn or "")
            if incident is None or (engagement.started or began) < began - WATCH:
                self._watching.pop(engagement.arn, None)
                continue
            owner = await self._owner(engagement.arn)
            if owner is not None and owner.delivery != Delivery.PLAN:
                continue  # a person the runner DMs itself
            if owner is None and engagement.sender == SENDER:
                continue  # the runner's, whose notice it is writing: it DMs the page itself
            await self._mirror_pages(incident, engagement, owner)

    async def engagement(self, incident: Incident, engagement_arn: str) -> None:
        """Mirror one engagement's pages now (an escalation plan the runner just engaged)."""
        owner = await self._owner(engagement_arn)
        await self._mirror_pages(incident, Engagement(engagement_arn, None, False), owner)

    async def _mirror_pages(
        self, incident: Incident, engagement: Engagement, owner: PageNotice | None
    ) -> None:
        for page in await self.contacts.pages_of(engagement.arn):
            if page.read:
                continue
            notice = PageNotice(
                id=page.arn,
                kind=PageKind.MIRRORED,
                escalation_id=owner.escalation_id if owner else None,
                stage=owner.stage if owner else None,
                incident_arn=incident.arn,
                contact_arn=page.contact_arn,
                engagement_arn=engagement.arn,
                page_arn=page.arn,
                essential=owner.essential if owner else True,
            )
            claim = await self.notices.claim(notice)
            if claim is None:
                continue
            paged_by, stage, stages = await self._origin(owner, engagement)
            await self.deliveries.deliver(
                notice,
                claim,
                alias_of(page.contact_arn),
                incident,
                paged_by,
                stage,
                stages,
                await self.incidents.channel_of(incident.arn),
            )
            if notice.escalation_id:
                await self.bus.publish(PageMirrored(notice.escalation_id))

    async def _owner(self, engagement_arn: str) -> PageNotice | None:
        """The escalation's notice of the target whose engagement this is, if the runner's."""
        async with self.database.session() as session:
            return await session.scalar(
                select(PageNotice).where(
                    PageNotice.engagement_arn == engagement_arn, PageNotice.kind == PageKind.STAGE
                )
            )

    async def _origin(
        self, owner: PageNotice | None, engagement: Engagement
    ) -> tuple[str, int, int]:
        """Who paged, and at which stage of how many, as a mirrored page's DM tells it."""
        if owner is None or owner.escalation_id is None or owner.stage is None:
            return engagement.sender or "AWS", 1, 1
        async with self.database.session() as session:
            escalation = await session.get(Escalation, owner.escalation_id)
        if escalation is None:
            return engagement.sender or "AWS", 1, 1
        requester = await self.directory.name_of(escalation.requested_by)
        return requester, owner.stage + 1, len(load_stages(escalation.stages))
