"""Everything a handler may use, built once per process by the composition root (``bot.app``)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from slack_sdk.web.async_client import AsyncWebClient

from bot.aws.gateway import AwsGateway
from bot.background.leadership import Leadership
from bot.background.schedule import Intervals, Jobs, Schedule
from bot.config import Settings
from bot.contact_plans.escalation import EscalationPlans
from bot.contact_plans.personal import PersonalPlans
from bot.escalation.acknowledging import Acknowledging
from bot.escalation.auditor import Auditor
from bot.escalation.closing import Closing
from bot.escalation.due import DueStages
from bot.escalation.escalations import Escalations
from bot.escalation.mirror import Mirror
from bot.escalation.reminders import Reminders
from bot.escalation.wave import DueWaves
from bot.incidents.declaration import Declarations
from bot.incidents.export import Exports
from bot.incidents.service import IncidentService
from bot.incidents.status_updates import StatusUpdates
from bot.incidents.sync import IncidentSync
from bot.oncall.cover import Covers
from bot.oncall.cover_requests import CoverRequests
from bot.oncall.handoffs import Handoffs
from bot.oncall.shifts import OnCall
from bot.people import People
from bot.permissions import Permissions
from bot.presenters.home import Home
from bot.related_items import RelatedItems
from bot.slack.forms import Forms
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
    escalations: Escalations
    acknowledgements: Acknowledging
    stops: Closing
    auditor: Auditor
    home: Home
    declarations: Declarations
    permissions: Permissions
    plans: EscalationPlans
    personal_plans: PersonalPlans
    sync: IncidentSync
    on_call: OnCall
    covers: Covers
    handoffs: Handoffs
    cover_requests: CoverRequests
    status_updates: StatusUpdates
    exports: Exports
    forms: Forms
    due_stages: DueStages
    reminders: Reminders
    mirror: Mirror
    leadership: Leadership | None = field(default=None, init=False)

    def start(self) -> None:
        """Start background work (stage timers, reminders, the mirror of AWS's pages, the
        planner, the sweep of escalations and declarations, and the sync of incidents started
        or changed outside Slack) on whichever replica wins the leadership."""
        due, handoffs = self.due_stages, self.handoffs
        waves = DueWaves(due.claim_wave)  # stages due together, claimed together
        reads = DueWaves(due.read_ahead, sizes=None)  # and their answers read ahead together
        jobs = Jobs(
            waves.advance,
            self.reminders.remind,
            self.plan,
            self.mirror.run,
            self.audit,
            reads.advance,
            sync=self.sync.run,
            periodic=(
                ("handoff-look-ahead", handoffs.look_ahead, self.settings.handoff_check_seconds),
                ("handoff-plan", handoffs.plan, 1.0),
                (
                    "cover-request-expiry",
                    self.cover_requests.expire_due,
                    self.settings.handoff_check_seconds,
                ),
            ),
        )
        mirror = self.settings.mirror_interval_seconds
        self.schedule.start(
            jobs,
            Intervals(
                plan=1.0,
                mirror=mirror,
                audit=min(30.0, mirror),
                sync=self.settings.sync_interval_seconds,
            ),
        )
        self.leadership = Leadership(self.database, self.schedule.lead, self.schedule.follow)
        self.leadership.start()

    async def plan(self) -> None:
        """The planner, every second: timers from the escalation rows, then the status update
        reminders fallen due."""
        try:
            await self.auditor.plan()
        finally:
            await self.status_updates.remind_due()

    async def audit(self) -> None:
        """The periodic sweep: escalations kept honest, then declarations and timeline events
        left unfinished."""
        try:
            await self.auditor.audit()
        finally:
            try:
                await self.declarations.finish_pending()
            finally:
                await self.timeline.finish_claims()

    async def close(self, grace_seconds: float) -> None:
        """Run no more timers (another replica takes them over), give work already under way
        (a listener after its ack, a running job) ``grace_seconds`` to finish, then close the
        scheduler and the pools."""
        if self.leadership is not None:
            await self.leadership.stop()
        under_way = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        if under_way:
            await asyncio.wait(under_way, timeout=grace_seconds)
        await self.schedule.shutdown()
        self.gateway.close()
        await self.database.close()
