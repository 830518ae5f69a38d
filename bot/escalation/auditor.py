"""Timers rebuilt from the rows, and escalations kept honest after a crash: every running one
has its current stage engaged and its next stage due, and every page that wants reminders has
its next one planned."""

from __future__ import annotations

from prometheus_client import Gauge

from bot.escalation import rows
from bot.escalation.plan import load_stages
from bot.escalation.runner import EscalationRunner
from bot.escalation.status import next_stage_due
from bot.store.schema import Escalation

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
        await self.runner.notices.audit_reminders()

    async def audit(self) -> None:
        """Finish what a crash interrupted: an escalation never started, a stage half engaged."""
        runner = self.runner
        for escalation in await rows.running(runner.database):
            if escalation.current_stage < 0:
                await runner.advance(escalation.id, 0)
                continue
            await runner.engage_stage(escalation, load_stages(escalation.stages))
            self._plan_next_stage(escalation)

    def _plan_next_stage(self, escalation: Escalation) -> None:
        schedule, next_stage = self.runner.schedule, escalation.current_stage + 1
        due = next_stage_due(
            escalation, load_stages(escalation.stages), self.runner.settings.time_scale
        )
        if due is not None and not schedule.has_stage(escalation.id, next_stage):
            schedule.stage_at(due, escalation.id, next_stage)  # past due: it fires at once
