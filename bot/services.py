"""Everything a handler may use, built once per process by the composition root (``bot.app``)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from slack_sdk.web.async_client import AsyncWebClient

from bot.aws.gateway import AwsGateway
from bot.config import Settings
from bot.escalation.acknowledging import Acknowledging
from bot.escalation.auditor import Auditor
from bot.escalation.closing import Closing
from bot.escalation.leadership import Leadership
from bot.escalation.runner import EscalationRunner
from bot.escalation.schedule import Intervals, Jobs, Schedule
from bot.escalation.wave import DueWaves
from bot.home import Home
from bot.incidents.declaration import Declarations
from bot.incidents.service import IncidentService
from bot.people import People
from bot.permissions import Permissions
from bot.related_items import RelatedItems
from bot.store.database import Database
from bot.timeline import Timeline


@dataclass
class Services:
    """Everything a handler may use; built once per process."""

    settings: Settings
    gateway: AwsGateway
    database: Database
    slack: AsyncWebClient
    incidents: IncidentService
    related_items: RelatedItems
    timeline: Timeline
    people: People
    schedule: Schedule
    escalations: EscalationRunner
    acknowledgements: Acknowledging
    stops: Closing
    auditor: Auditor
    home: Home
    declarations: Declarations
    permissions: Permissions
    leadership: Leadership | None = field(default=None, init=False)

    def start(self) -> None:
        """Start background work (stage timers, reminders, the mirror of AWS's pages, the
        planner and the sweep of escalations and declarations) on whichever replica wins the
        leadership."""
        runner, auditor = self.escalations, self.auditor
        waves = DueWaves(runner.claim_wave)  # stages due together, claimed together
        jobs = Jobs(
            waves.advance, runner.notices.remind, auditor.plan, runner.mirror.run, self.audit
        )
        mirror = self.settings.mirror_interval_seconds
        self.schedule.start(jobs, Intervals(plan=1.0, mirror=mirror, audit=min(30.0, mirror)))
        self.leadership = Leadership(self.database, self.schedule.lead, self.schedule.follow)
        self.leadership.start()

    async def audit(self) -> None:
        """The periodic sweep: escalations kept honest, then declarations left unfinished."""
        try:
            await self.auditor.audit()
        finally:
            await self.declarations.finish_pending()

    async def close(self, grace_seconds: float) -> None:
        """Run no more timers (another replica takes them over), give work already under way
        (a listener after its ack, a running job) ``grace_seconds`` to finish, then close the
        scheduler and the pools."""
        if self.leadership is not None:
            await self.leadership.stop()
        under_way = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        if under_way:
            await asyncio.wait(under_way, timeout=grace_seconds)
        self.schedule.shutdown()
        self.gateway.close()
        await self.database.close()
