"""A person's Home tab, published from the store and Incident Manager: the pages waiting for
them, the open incidents and their next shifts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.home import INCIDENTS_SHOWN, PAGES_SHOWN, WaitingPage, home_view
from bot.contacts import Contact
from bot.errors import DomainError
from bot.escalation.notices import PageNotices
from bot.incidents.service import IncidentService
from bot.oncall.shifts import Duty, OnCall
from bot.permissions import Permissions

SHIFTS_SHOWN = 5


class Home:
    def __init__(
        self,
        slack: AsyncWebClient,
        incidents: IncidentService,
        notices: PageNotices,
        permissions: Permissions,
        on_call: OnCall | None = None,
    ) -> None:
        self.slack = slack
        self.incidents = incidents
        self.notices = notices
        self.permissions = permissions
        self.on_call = on_call

    async def publish(self, user_id: str) -> None:
        """Show ``user_id`` the pages waiting for them and the open incidents."""
        open_incidents = [
            incident
            for incident in await self.incidents.list("open", limit=INCIDENTS_SHOWN + 1)
            if await self.permissions.may_see(user_id, incident.arn)
        ]
        by_arn = {incident.arn: incident for incident in open_incidents}
        waiting = []
        for notice in (await self.notices.awaiting(user_id))[:PAGES_SHOWN]:
            incident = by_arn.get(notice.incident_arn)
            if incident is None:
                try:
                    incident = await self.incidents.get(notice.incident_arn)
                except DomainError:
                    continue  # gone from Incident Manager: nothing to acknowledge
            if incident.is_open:
                waiting.append(WaitingPage(notice.id, incident))
        channels = await asyncio.gather(
            *(self.incidents.channel_of(incident.arn) for incident in open_incidents)
        )
        view = home_view(
            waiting,
            list(zip(open_incidents, channels, strict=True)),
            datetime.now(UTC),
            await self._shifts(user_id),
        )
        await self.slack.views_publish(user_id=user_id, view=view)

    async def _shifts(self, user_id: str) -> list[tuple[Contact, Duty]] | None:
        """The person's next shifts; None when they cannot be known (AWS refused)."""
        if self.on_call is None:
            return []
        try:
            return await self.on_call.next_duties(user_id, SHIFTS_SHOWN)
        except DomainError:
            return None
