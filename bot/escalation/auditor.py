"""Timers rebuilt from the rows, and escalations kept honest after a crash: every running one
has its current stage engaged and its next stage due, and every page that wants reminders has
its next one planned."""

from __future__ import annotations

from prometheus_client import Gauge
from sqlalchemy import func, select

from bot.escalation import rows
from bot.escalation.engaging import Engaging
from bot.escalation.plan import load_stages
from bot.escalation.reminders import Reminders
from bot.escalation.runner import EscalationRunner
from bot.escalation.timers import StageTimers
from bot.store.database import Database
from bot.store.schema import PageNotice
from bot.vocabulary import Delivery, PageKind

ESCALATIONS_RUNNING = Gauge("incident_bot_escalations_running", "Escalations running now")


class Auditor:
    def __init__(
        self,
        database: Database,
        runner: EscalationRunner,
        engaging: Engaging,
        timers: StageTimers,
        reminders: Reminders,
    ) -> None:
        self.database = database
        self.runner = runner
        self.engaging = engaging
        self.timers = timers
        self.reminders = reminders

    async def plan(self) -> None:
        """The leader's timers from the rows, every second: the next stage of every running
        escalation (one a follower started, or one whose timer a former leader held) and the
        next reminder of every page; a stage already due fires at once."""
        escalations = await rows.running(self.database)
        ESCALATIONS_RUNNING.set(len(escalations))
        for escalation in escalations:
            if escalation.current_stage >= 0:
                self.timers.plan_missing(escalation)
        await self.reminders.audit(known_intervals_only=True)

    async def audit(self) -> None:
        """Finish what a crash interrupted: an escalation never started, a stage half engaged."""
        escalations = await rows.running(self.database)
        engaged = await self._engaged_targets([e.id for e in escalations])
        for escalation in escalations:
            if escalation.current_stage < 0:
                await self.runner.advance(escalation.id, 0)
                continue
            stages = load_stages(escalation.stages)
            stage = escalation.current_stage
            if stage < len(stages) and engaged.get((escalation.id, stage), 0) < len(
                stages[stage].targets
            ):
                await self.engaging.engage_stage(escalation, stages)
            self.timers.plan_missing(escalation)
        await self.reminders.audit()

    async def _engaged_targets(self, escalation_ids: list[str]) -> dict[tuple[str, int], int]:
        """(escalation, stage) → how many of its targets are engaged and told (not SENDING)."""
        query = (
            select(PageNotice.escalation_id, PageNotice.stage, func.count())
            .where(
                PageNotice.kind == PageKind.STAGE,
                PageNotice.escalation_id.in_(escalation_ids),
                PageNotice.engagement_arn.is_not(None),
                PageNotice.delivery != Delivery.SENDING,
            )
            .group_by(PageNotice.escalation_id, PageNotice.stage)
        )
        async with self.database.session() as session:
            found = (await session.execute(query)).all()
        return {(str(e), s): int(n) for e, s, n in found if s is not None}
