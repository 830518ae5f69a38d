"""Keeping escalations honest after a crash: every running one has its current stage engaged
and its next stage due, and every page that wants reminders has its next one planned."""

from __future__ import annotations

from bot.escalation import rows
from bot.escalation.notices import now
from bot.escalation.plan import load_stages
from bot.escalation.runner import EscalationRunner
from bot.escalation.status import next_stage_due


class Auditor:
    def __init__(self, runner: EscalationRunner) -> None:
        self.runner = runner

    async def audit(self) -> None:
        runner = self.runner
        for escalation in await rows.running(runner.database):
            stages = load_stages(escalation.stages)
            if escalation.current_stage < 0:
                await runner.advance(escalation.id, 0)
                continue
            await runner.engage_stage(escalation, stages)  # no-op when all were engaged
            next_stage = escalation.current_stage + 1
            due = next_stage_due(escalation, stages, runner.settings.time_scale)
            if due is None or runner.schedule.has_stage(escalation.id, next_stage):
                continue
            if due <= now():
                await runner.advance(escalation.id, next_stage)
            else:
                runner.schedule.stage_at(due, escalation.id, next_stage)
        await runner.notices.audit_reminders()
