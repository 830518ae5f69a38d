"""APScheduler in memory: stage timers, reminders and the periodic jobs of the leading replica.

The database rows (an escalation's current stage and when it started, a page's reminders) are
the one source of truth; the timers are a cache of them, rebuilt by the planner when this
process starts leading. So no timer write touches the database on the event loop, and a
follower keeps no timers at all: whatever it starts, the leader's planner finds in the rows.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MISSED,
    EVENT_JOB_SUBMITTED,
    JobEvent,
)
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.util import undefined
from prometheus_client import Gauge, Histogram

from bot.background.jobs import Periodic, Step, Timers

log = logging.getLogger(__name__)

LEADER = Gauge("incident_bot_leader", "1 while this replica runs the timers, else 0")
JOBS_PENDING = Gauge("incident_bot_jobs_pending", "Timers waiting in this replica's scheduler")
STAGE_LATENESS = Histogram(
    "incident_bot_stage_lateness_seconds",
    "Due time of an escalation stage → its timer firing",
    buckets=(0.01, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 15, 60),
)


def stage_job_id(escalation_id: str, stage: int) -> str:
    return f"escalation:{escalation_id}:stage:{stage}"


def read_ahead_job_id(escalation_id: str, stage: int) -> str:
    return f"escalation:{escalation_id}:read-ahead:{stage}"


def reminder_job_id(notice_id: str, reminder: int) -> str:
    return f"reminder:{notice_id}:{reminder}"


class Schedule:
    """Timers that run only while this process leads (``lead``/``follow``)."""

    def __init__(self) -> None:
        self.scheduler = AsyncIOScheduler(
            job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
            timezone=UTC,
        )
        self.leading = False
        self._timers: Timers | None = None
        self._periodic: tuple[Periodic, ...] = ()
        # jobs handed to the executor and not done yet: from the moment the scheduler submits
        # one (and takes a one-off out of its store), so planning it again adds no second timer
        self._under_way: set[str] = set()
        self.scheduler.add_listener(self._submitted, EVENT_JOB_SUBMITTED)
        self.scheduler.add_listener(
            self._done, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED
        )
        self._closing = False
        self._running: set[asyncio.Task[object]] = set()  # jobs' tasks, awaited at shutdown
        JOBS_PENDING.set_function(lambda: len(self.scheduler.get_jobs()))

    def start(self, timers: Timers, periodic: Sequence[Periodic]) -> None:
        """Start the timer engine, paused until ``lead``."""
        self._timers, self._periodic = timers, tuple(periodic)
        self.scheduler.start(paused=True)

    def lead(self) -> None:
        """Run the periodic jobs, most of them at once (the planner and the auditor first)."""
        if self.leading or self._timers is None:
            return
        self.leading = True
        LEADER.set(1)
        started = datetime.now(UTC)
        for job in self._periodic:
            self.scheduler.add_job(
                self._every,
                "interval",
                args=[job.job_id, job.run],
                seconds=job.seconds,
                id=job.job_id,
                name=job.job_id,
                next_run_time=started if job.at_once else undefined,
            )
        self.scheduler.resume()
        log.info("leading: this replica runs the stage timers")

    def follow(self) -> None:
        """Drop every timer: another replica (or nobody, while shutting down) runs them."""
        if not self.leading:
            return
        self.leading = False
        LEADER.set(0)
        if self.scheduler.running:
            self.scheduler.pause()
            self.scheduler.remove_all_jobs()
        log.info("stopped leading: this replica runs no stage timers now")

    def stage_at(
        self, when: datetime, escalation_id: str, stage: int, read_ahead: float = 0.0
    ) -> None:
        """The stage's timer, and ``read_ahead`` seconds before it the read of its answers."""
        self._once_at(
            when, self._stage_due, stage_job_id(escalation_id, stage), escalation_id, stage
        )
        if read_ahead > 0:
            job_id = read_ahead_job_id(escalation_id, stage)
            ahead = when - timedelta(seconds=read_ahead)
            self._once_at(ahead, self._read_ahead, job_id, escalation_id, stage)

    def reminder_at(self, when: datetime, notice_id: str, reminder: int) -> None:
        job_id = reminder_job_id(notice_id, reminder)
        self._once_at(when, self._reminder_due, job_id, notice_id, reminder)

    def once_at(self, when: datetime, job_id: str, work: Step) -> None:
        """A feature's own one-off timer (a hand-off), kept and cut short as a stage's is."""
        self._once_at(when, self._own_due, job_id, work)

    def _once_at(self, when: datetime, job: Callable[..., Any], job_id: str, *args: object) -> None:
        """One timer per id, kept by the leader only: planning it again replaces it."""
        if self.leading:
            self.scheduler.add_job(
                job,
                "date",
                run_date=when,
                args=[job_id, when, *args],
                id=job_id,
                replace_existing=True,
            )

    async def _stage_due(self, job_id: str, due: datetime, escalation_id: str, stage: int) -> None:
        STAGE_LATENESS.observe(max(0.0, (datetime.now(UTC) - due).total_seconds()))
        await self._run(job_id, lambda timers: timers.advance(escalation_id, stage))

    async def _read_ahead(self, job_id: str, _: datetime, escalation_id: str, stage: int) -> None:
        await self._run(job_id, lambda timers: timers.read_ahead(escalation_id, stage))

    async def _reminder_due(self, job_id: str, _: datetime, notice_id: str, reminder: int) -> None:
        await self._run(job_id, lambda timers: timers.remind(notice_id, reminder))

    async def _own_due(self, job_id: str, _: datetime, work: Step) -> None:
        await self._run(job_id, lambda _timers: work())

    async def _run(self, job_id: str, work: Callable[[Timers], Awaitable[object]]) -> None:
        if self._timers is None or not self.leading:  # shutting down: the next leader runs it
            return
        await self._until_closed(job_id, work(self._timers))

    def _submitted(self, event: JobEvent) -> None:
        self._under_way.add(event.job_id)

    def _done(self, event: JobEvent) -> None:
        self._under_way.discard(event.job_id)

    async def _every(self, job_id: str, job: Callable[[], Awaitable[object]]) -> None:
        await self._until_closed(job_id, job())

    async def _until_closed(self, job_id: str, work: Awaitable[object]) -> None:
        """Run ``work``; cut short by the shutdown (after its grace), it ends quietly: the rows
        say what is left to do, and the next leader does it."""
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            await work
        except asyncio.CancelledError:
            if not self._closing:
                raise
            log.info("%s stopped by the shutdown; the next leader takes it over", job_id)
        finally:
            self._running.discard(task)

    def has_stage(self, escalation_id: str, stage: int) -> bool:
        """A timer for this stage is waiting or running (only the leader keeps any)."""
        return self.has(stage_job_id(escalation_id, stage))

    def has_reminder(self, notice_id: str, reminder: int) -> bool:
        return self.has(reminder_job_id(notice_id, reminder))

    def has(self, job_id: str) -> bool:
        """A timer of this id is waiting, or its work is running."""
        return job_id in self._under_way or self.scheduler.get_job(job_id) is not None

    def cancel(self, escalation_id: str, stage: int) -> None:
        for job_id in (stage_job_id(escalation_id, stage), read_ahead_job_id(escalation_id, stage)):
            with contextlib.suppress(JobLookupError):  # ran, never planned, or a follower
                self.scheduler.remove_job(job_id)

    async def shutdown(self, patience: float = 5.0) -> None:
        """Stop the timers and cancel the jobs still running, then wait (``patience`` seconds
        at most) for them to let go of what they hold (a database connection, say)."""
        self._closing = True
        self.follow()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)  # cancels the running jobs
        if self._running:
            await asyncio.wait(set(self._running), timeout=patience)
        self._timers = None
