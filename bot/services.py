"""Everything a handler may use, built once per process by the composition root (``bot.app``)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from bot.aws.gateway import AwsGateway
from bot.background.jobs import Background
from bot.background.schedule import Schedule
from bot.config import Settings
from bot.contact_plans.escalation import EscalationPlans
from bot.contact_plans.personal import PersonalPlans
from bot.directory import Directory
from bot.escalation.acknowledging import Acknowledging
from bot.escalation.auditor import Auditor
from bot.escalation.closing import Closing
from bot.escalation.due import DueStages
from bot.escalation.escalations import Escalations
from bot.escalation.mirror import Mirror
from bot.incidents.declaration import Declarations
from bot.incidents.export import Exports
from bot.incidents.service import IncidentService
from bot.incidents.status_updates import StatusUpdates
from bot.incidents.sync import IncidentSync
from bot.listener_work import ListenerWork
from bot.oncall.cover import Covers
from bot.oncall.cover_requests import CoverRequests
from bot.oncall.handoffs import Handoffs
from bot.oncall.shifts import OnCall
from bot.people import People
from bot.permissions import Permissions
from bot.presenters.home import Home
from bot.related_items import RelatedItems
from bot.slack.forms import Forms
from bot.slack.pacing import PacedWebClient
from bot.store.database import Database
from bot.timeline import Timeline


@dataclass
class Services:
    """Everything a handler may use; built once per process."""

    settings: Settings
    gateway: AwsGateway
    database: Database
    slack: PacedWebClient
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
    directory: Directory
    background: Background
    due_stages: DueStages  # read by tests that drive a wave or the mirror by hand
    mirror: Mirror
    listener_work: ListenerWork = field(default_factory=ListenerWork)

    @property
    def busy(self) -> bool:
        """A Slack call (or its wait for the pacer) or a listener still under way."""
        return self.slack.calls_under_way > 0 or self.listener_work.running

    async def close(self, grace_seconds: float) -> None:
        """Run no more timers (another replica takes them over), give work already under way
        (a listener after its ack, a running job) ``grace_seconds`` to finish, cancel the
        listeners still running and wait for them, then close the scheduler and the pools."""
        await self.background.stop()
        under_way = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        if under_way:
            await asyncio.wait(under_way, timeout=grace_seconds)
        await self.listener_work.cut_short()
        await self.schedule.shutdown()
        self.gateway.close()
        await self.database.close()
