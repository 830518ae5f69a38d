"""APScheduler, with its jobs kept in the database (``jobs_url``) so a restart loses no stage."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.store.urls import jobs_url

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Jobs:
    """What the stored timers run in this process: advance a stage, remind of a page, mirror
    AWS's pages, audit."""

    advance: Callable[[str, int], Awaitable[object]]
    remind: Callable[[str, int], Awaitable[None]]
    mirror: Callable[[], Awaitable[None]]
    audit: Callable[[], Awaitable[None]]


# Jobs are stored by reference to these module-level functions; what they call is what this
# process started with.
_jobs: Jobs | None = None


async def stage_due(escalation_id: str, stage: int) -> None:
    if _jobs is None:  # shutting down: the auditor runs this stage at the next start
        log.warning("stage %d of %s fell due during shutdown", stage, escalation_id)
        return
    await _jobs.advance(escalation_id, stage)


async def reminder_due(notice_id: str, reminder: int) -> None:
    if _jobs is not None:
        await _jobs.remind(notice_id, reminder)


async def mirror_due() -> None:
    if _jobs is not None:
        await _jobs.mirror()


async def audit_due() -> None:
    if _jobs is not None:
        await _jobs.audit()


def stage_job_id(escalation_id: str, stage: int) -> str:
    return f"escalation:{escalation_id}:stage:{stage}"


def reminder_job_id(notice_id: str, reminder: int) -> str:
    return f"reminder:{notice_id}:{reminder}"


class Schedule:
    """Stage timers plus the periodic mirror and audit jobs."""

    def __init__(self, database_url: str) -> None:
        self.scheduler = AsyncIOScheduler(
            jobstores={
                "default": SQLAlchemyJobStore(
                    url=jobs_url(database_url).render_as_string(hide_password=False)
                )
            },
            job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
            timezone=UTC,
        )

    def start(self, jobs: Jobs, mirror_seconds: float, audit_seconds: float) -> None:
        global _jobs
        _jobs = jobs
        self.scheduler.start()
        self.scheduler.add_job(
            mirror_due, "interval", seconds=mirror_seconds, id="mirror", replace_existing=True
        )
        self.scheduler.add_job(
            audit_due,
            "interval",
            seconds=audit_seconds,
            id="audit",
            replace_existing=True,
            next_run_time=datetime.now(UTC),
        )

    def stage_at(self, when: datetime, escalation_id: str, stage: int) -> None:
        self._once_at(when, stage_due, stage_job_id(escalation_id, stage), escalation_id, stage)

    def reminder_at(self, when: datetime, notice_id: str, reminder: int) -> None:
        self._once_at(when, reminder_due, reminder_job_id(notice_id, reminder), notice_id, reminder)

    def _once_at(self, when: datetime, job: Callable[..., Any], job_id: str, *args: object) -> None:
        """One stored timer per id: planning it again replaces it, never doubles it."""
        self.scheduler.add_job(
            job, "date", run_date=when, args=list(args), id=job_id, replace_existing=True
        )

    def has_stage(self, escalation_id: str, stage: int) -> bool:
        return self.scheduler.get_job(stage_job_id(escalation_id, stage)) is not None

    def has_reminder(self, notice_id: str, reminder: int) -> bool:
        return self.scheduler.get_job(reminder_job_id(notice_id, reminder)) is not None

    def cancel(self, escalation_id: str, stage: int) -> None:
        with contextlib.suppress(JobLookupError):  # already ran, or never scheduled
            self.scheduler.remove_job(stage_job_id(escalation_id, stage))

    def pause(self) -> None:
        """Run no more jobs; timers that work under way adds are still stored for later."""
        if self.scheduler.running:
            self.scheduler.pause()

    def shutdown(self) -> None:
        global _jobs
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        _jobs = None
