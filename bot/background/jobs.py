"""The leader's work, wired in one place: what the timers run (a stage, the read-ahead of its
answers, a page's reminder), the planner and the periodic sweep (each a list of steps run in
turn), and the other periodic jobs (the mirror, the sync, hand-offs, cover requests…).

Every feature registers through ``Background`` in the composition root; ``start`` hands it all
to the schedule, which runs it only on the replica that wins the leadership.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.background.leadership import Leadership

Step = Callable[[], Awaitable[object]]


@dataclass(frozen=True)
class Timers:
    """What the one-off timers run, each for an escalation (or a page) and a number: a stage
    fallen due, whether its pages were answered in AWS (read a little before), a reminder."""

    advance: Callable[[str, int], Awaitable[object]]
    remind: Callable[[str, int], Awaitable[None]]
    read_ahead: Callable[[str, int], Awaitable[object]]


@dataclass(frozen=True)
class Periodic:
    """A job the leader runs every ``seconds``: at once when it starts leading, unless
    ``at_once`` is False (then a period later)."""

    job_id: str
    run: Step
    seconds: float
    at_once: bool = True


class Timetable(Protocol):
    """What runs the jobs (``bot.background.schedule.Schedule``)."""

    def start(self, timers: Timers, periodic: Sequence[Periodic]) -> None: ...


async def in_turn(steps: Sequence[Step]) -> None:
    """Each step, in order; one that fails does not keep the next from running (its error is
    raised once they have run)."""
    if not steps:
        return
    try:
        await steps[0]()
    finally:
        await in_turn(steps[1:])


class Background:
    """The leader's jobs as the features register them, started on whichever replica leads."""

    PLAN_SECONDS = 1.0  # the planner: timers from the rows, every second

    def __init__(
        self, schedule: Timetable, leadership: Leadership, timers: Timers, sweep_seconds: float
    ) -> None:
        self.schedule = schedule
        self.leadership = leadership
        self.timers = timers
        self.sweep_seconds = sweep_seconds
        self._planning: list[Step] = []
        self._sweeping: list[Step] = []
        self._periodic: list[Periodic] = []

    def plans(self, *steps: Step) -> None:
        """Steps of the planner, run every second in the order registered."""
        self._planning += steps

    def sweeps(self, *steps: Step) -> None:
        """Steps of the periodic sweep (the audit), run in the order registered."""
        self._sweeping += steps

    def every(self, job_id: str, seconds: float, run: Step, at_once: bool = True) -> None:
        self._periodic.append(Periodic(job_id, run, seconds, at_once))

    async def plan(self) -> None:
        """The planner: timers from the rows (escalations, status update reminders…)."""
        await in_turn(self._planning)

    async def audit(self) -> None:
        """The periodic sweep: escalations kept honest, then what was left unfinished."""
        await in_turn(self._sweeping)

    def start(self) -> None:
        """Hand the jobs to the schedule, and run for the leadership: the planner and the sweep
        first, then the others in the order registered."""
        periodic = [
            Periodic("plan", self.plan, self.PLAN_SECONDS),
            Periodic("audit", self.audit, self.sweep_seconds),
            *self._periodic,
        ]
        self.schedule.start(self.timers, periodic)
        self.leadership.start()

    async def stop(self) -> None:
        """Run no more timers here: another replica takes them over."""
        await self.leadership.stop()
