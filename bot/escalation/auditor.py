"""Timers rebuilt from the rows, and escalations kept honest after a crash: every running one
has its current stage engaged and its next stage due, and every page that wants reminders has
its next one planned."""

from __future__ import annotations

from prometheus_client import Gauge
from sqlalchemy import func, select

from bot.escalation import rows
from bot.escalation.plan import load_stages
from bot.escalation.runner import EscalationRunner
from bot.store.schema import Escalation, PageNotice
from bot.vocabulary import Delivery, PageKind

ESCALATIONS_RUNNING = Gauge("incident_bot_escalations_running", "Escalations running now")


class Auditor:
    def __init__(self, runner: EscalationRunner) -> None:
        self.runner = runner

    async def plan(self) -> None:
        """The leader's timers from the rows, every second: the next stage of every running
        escalation (one a follower started, or one whose timer a former leader held) and the
        next reminder of every page; a stage already due fires at once."""
        escalations = await rows.running(self.runner.database)
        ESCALATIONS_RUNNING.set(len(escalations))
        for escalation in escalations:
            if escalation.current_stage >= 0:
                self._plan_next_stage(escalation)
        await self.runner.notices.audit_reminders(known_intervals_only=True)

    async def audit(self) -> None:
        """Finish what a crash interrupted: an escalation never started, a stage half engaged."""
        runner = self.runner
        escalations = await rows.running(runner.database)
        engaged = await self._engaged_targets([e.id for e in escalations])
        for escalation in escalations:
            if escalation.current_stage < 0:
                await runner.advance(escalation.id, 0)
                continue
            stages = load_stages(escalation.stages)
            stage = escalation.current_stage
            if stage < len(stages) and engaged.get((escalation.id, stage), 0) < len(
                stages[stage].targets
            ):
                await runner.engage_stage(escalation, stages)
            self._plan_next_stage(escalation)
        await runner.notices.audit_reminders()

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
        async with self.runner.database.session() as session:
            found = (await session.execute(query)).all()
        return {(str(e), s): int(n) for e, s, n in found if s is not None}

    def _plan_next_stage(self, escalation: Escalation) -> None:
        if not self.runner.schedule.has_stage(escalation.id, escalation.current_stage + 1):
            # past due: it fires at once
            self.runner.schedule_next(escalation, load_stages(escalation.stages))
