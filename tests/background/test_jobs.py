"""The leader's jobs as the features register them (``Background``): the planner and the sweep
run their steps in turn, a failing step not keeping the next from running; the schedule gets
the planner and the sweep first, then the others in the order registered."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

import pytest

from bot.background.jobs import Background, Periodic, Timers


class Schedule:
    """What the schedule was handed when the jobs started."""

    def __init__(self) -> None:
        self.started: list[tuple[Timers, Sequence[Periodic]]] = []

    def start(self, timers: Timers, periodic: Sequence[Periodic]) -> None:
        self.started.append((timers, periodic))


class Leadership:
    def __init__(self) -> None:
        self.running = False

    def start(self) -> None:
        self.running = True

    async def stop(self) -> None:
        self.running = False


async def nothing(*_: object) -> None:
    return None


TIMERS = Timers(nothing, nothing, nothing)


async def test_a_sweep_runs_every_step_in_turn_and_says_what_failed() -> None:
    ran: list[str] = []

    def step(name: str, fails: bool = False) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            ran.append(name)
            if fails:
                raise RuntimeError(f"{name} failed")

        return run

    background = Background(Schedule(), Leadership(), TIMERS, sweep_seconds=30.0)
    background.sweeps(step("escalations", fails=True), step("declarations"))
    background.sweeps(step("timeline"))
    with pytest.raises(RuntimeError, match="escalations failed"):
        await background.audit()
    assert ran == ["escalations", "declarations", "timeline"]
    background.plans(step("timers"))
    await background.plan()
    assert ran[-1] == "timers"


async def test_the_planner_and_the_sweep_start_first_then_the_jobs_as_registered() -> None:
    schedule, leadership = Schedule(), Leadership()
    background = Background(schedule, leadership, TIMERS, sweep_seconds=12.0)
    background.every("mirror", 60.0, nothing, at_once=False)
    background.every("sync", 30.0, nothing)
    background.start()
    [(timers, periodic)] = schedule.started
    assert timers is TIMERS and leadership.running
    assert [(p.job_id, p.seconds, p.at_once) for p in periodic] == [
        ("plan", 1.0, True),
        ("audit", 12.0, True),
        ("mirror", 60.0, False),
        ("sync", 30.0, True),
    ]
    await background.stop()
    assert not leadership.running
