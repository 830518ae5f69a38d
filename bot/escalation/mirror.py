"""Mirrors pages the runner did not DM itself into Slack, with the same Acknowledge button.

Those are the pages of engagements AWS started on its own (a response plan's engagements on
``StartIncident``, an alarm) and the pages an escalation plan sends when the runner engaged it
as a stage target. Each page is claimed once by its ARN, so every mirror round and every
replica shows it once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import select

from bot.aws.gateway import CONTACTS, AwsGateway
from bot.escalation.notices import MIRRORED_PAGE, PLAN, STAGE_PAGE, PageNotices
from bot.escalation.plan import alias_of, load_stages
from bot.incidents.record import Incident
from bot.slack.messages import display_name
from bot.store.schema import Escalation, PageNotice


class Mirror:
    def __init__(
        self,
        gateway: AwsGateway,
        notices: PageNotices,
        status_changed: Callable[[str], Awaitable[None]],
    ) -> None:
        self.gateway = gateway
        self.notices = notices
        self.database = notices.database
        self.slack = notices.slack
        self.incidents = notices.incidents
        self.status_changed = status_changed

    async def run(self) -> None:
        """One round over the open incidents' running engagements."""
        for incident in await self.incidents.list("open"):
            engagements = await self.gateway.pages(
                CONTACTS, "list_engagements", "Engagements", IncidentId=incident.arn
            )
            for engagement in engagements:
                if engagement.get("StopTime"):
                    continue
                owner = await self._owner(engagement["EngagementArn"])
                if owner is not None and owner.dm_ts != PLAN:
                    continue  # a person the runner DMs itself
                await self._mirror_pages(incident, engagement, owner)

    async def engagement(self, incident: Incident, engagement_arn: str) -> None:
        """Mirror one engagement's pages now (an escalation plan the runner just engaged)."""
        owner = await self._owner(engagement_arn)
        await self._mirror_pages(incident, {"EngagementArn": engagement_arn}, owner)

    async def _mirror_pages(
        self, incident: Incident, engagement: dict[str, Any], owner: PageNotice | None
    ) -> None:
        pages = await self.gateway.pages(
            CONTACTS, "list_pages_by_engagement", "Pages", EngagementId=engagement["EngagementArn"]
        )
        for page in pages:
            if page.get("ReadTime"):
                continue
            notice = PageNotice(
                id=page["PageArn"],
                kind=MIRRORED_PAGE,
                escalation_id=owner.escalation_id if owner else None,
                stage=owner.stage if owner else None,
                incident_arn=incident.arn,
                contact_arn=page["ContactArn"],
                engagement_arn=engagement["EngagementArn"],
                page_arn=page["PageArn"],
                essential=owner.essential if owner else True,
            )
            claim = await self.notices.claim(notice)
            if claim is None:
                continue
            paged_by, stage, stages = await self._origin(owner, engagement)
            await self.notices.deliver(
                notice,
                claim,
                alias_of(page["ContactArn"]),
                incident,
                paged_by,
                stage,
                stages,
                await self.incidents.channel_of(incident.arn),
            )
            if notice.escalation_id:
                await self.status_changed(notice.escalation_id)

    async def _owner(self, engagement_arn: str) -> PageNotice | None:
        """The escalation's notice of the target whose engagement this is, if the runner's."""
        async with self.database.session() as session:
            return await session.scalar(
                select(PageNotice).where(
                    PageNotice.engagement_arn == engagement_arn, PageNotice.kind == STAGE_PAGE
                )
            )

    async def _origin(
        self, owner: PageNotice | None, engagement: dict[str, Any]
    ) -> tuple[str, int, int]:
        """Who paged, and at which stage of how many, as a mirrored page's DM tells it."""
        if owner is None or owner.escalation_id is None or owner.stage is None:
            return engagement.get("Sender") or "AWS", 1, 1
        async with self.database.session() as session:
            escalation = await session.get(Escalation, owner.escalation_id)
        if escalation is None:
            return engagement.get("Sender") or "AWS", 1, 1
        requester = await display_name(self.slack, escalation.requested_by)
        return requester, owner.stage + 1, len(load_stages(escalation.stages))
