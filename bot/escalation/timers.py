"""When an escalation's next stage falls due, and its timer (with the read of its answers in
AWS a little ahead of it)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from bot.background.schedule import Schedule
from bot.config import Settings
from bot.escalation.answers import READ_AT, look_ahead
from bot.escalation.plan import Stage, load_stages
from bot.store.schema import Escalation


def next_stage_due(
    escalation: Escalation, stages: Sequence[Stage], time_scale: float
) -> datetime | None:
    """When the stage after the current one starts; None when there is no timed next stage."""
    current = escalation.current_stage
    if not 0 <= current < len(stages):
        return None
    minutes, started = stages[current].minutes, escalation.stage_started_at
    if minutes is None or started is None:
        return None
    started = started if started.tzinfo else started.replace(tzinfo=UTC)  # SQLite: naive UTC
    return started + timedelta(seconds=minutes * time_scale)


class StageTimers:
    def __init__(self, schedule: Schedule, settings: Settings) -> None:
        self.schedule = schedule
        self.settings = settings

    def plan_next(self, escalation: Escalation, stages: list[Stage]) -> None:
        """The timer of the escalation's next stage, and of the read of its answers ahead."""
        scale = self.settings.time_scale
        due = next_stage_due(escalation, stages, scale)
        minutes = stages[escalation.current_stage].minutes
        if due is not None and minutes is not None:
            ahead = look_ahead(minutes, scale) * READ_AT
            self.schedule.stage_at(due, escalation.id, escalation.current_stage + 1, ahead)

    def plan_missing(self, escalation: Escalation) -> None:
        """The next stage's timer, unless this process has it (past due: it fires at once)."""
        if not self.schedule.has_stage(escalation.id, escalation.current_stage + 1):
            self.plan_next(escalation, load_stages(escalation.stages))

    def read_ahead_since(self, escalation: Escalation) -> float | None:
        """From when a read of the answers to the escalation's pages counts for its next stage."""
        stages = load_stages(escalation.stages)
        due = next_stage_due(escalation, stages, self.settings.time_scale)
        minutes = stages[escalation.current_stage].minutes
        if due is None or minutes is None:
            return None
        return due.timestamp() - look_ahead(minutes, self.settings.time_scale)
