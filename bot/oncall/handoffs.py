"""Shift hand-offs: ``HANDOFF_NOTICE_MINUTES`` before a shift starts, the person coming on call
gets a DM (with **Cover for me**) and ``ONCALL_CHANNEL`` a line, once per shift.

A periodic look-ahead writes a row per (rotation, shift start, person) with its due time (a
unique insert); the planner sets the leader's timers from the pending rows; the timer claims
its row (compare-and-set) before it sends, so a restart or a second replica sends nothing twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from functools import partial

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from bot.background.schedule import Schedule
from bot.config import Settings
from bot.contacts import alias_of
from bot.errors import DomainError
from bot.events import Bus
from bot.oncall.events import ShiftHandedOff
from bot.oncall.shifts import OnCall
from bot.store.database import Database
from bot.store.schema import Handoff

log = logging.getLogger(__name__)

PENDING, SENDING, SENT, SKIPPED = "pending", "sending", "sent", "skipped"
STALE_CLAIM_SECONDS = 30.0


def handoff_key(row: Handoff) -> str:
    return f"{row.rotation_id}|{row.shift_start}|{row.contact_arn}"


class Handoffs:
    def __init__(
        self,
        on_call: OnCall,
        database: Database,
        settings: Settings,
        schedule: Schedule,
        open_incidents: Callable[[], Awaitable[int]],
        bus: Bus,
    ) -> None:
        self.on_call = on_call
        self.database = database
        self.settings = settings
        self.schedule = schedule
        self.open_incidents = open_incidents
        self.bus = bus

    @property
    def notice(self) -> timedelta:
        return timedelta(minutes=self.settings.handoff_notice_minutes)

    async def look_ahead(self) -> None:
        """Write a row for every shift starting before the next look-ahead's notices fall due."""
        now = datetime.now(UTC)
        async with self.database.write() as session:  # shifts over for a day: done with
            await session.execute(
                delete(Handoff).where(Handoff.shift_end < (now - timedelta(days=1)).timestamp())
            )
        horizon = now + self.notice + 2 * timedelta(seconds=self.settings.handoff_check_seconds)
        try:
            await self._write_rows(now, horizon)
        except DomainError as error:  # AWS refused or is away: the next look-ahead tries again
            log.warning("cannot look ahead at the on-call shifts: %s", error.message)

    async def _write_rows(self, now: datetime, horizon: datetime) -> None:
        for schedule in await self.on_call.schedules():
            for rotation in schedule.rotation_ids:
                for duty in await self.on_call.duties(rotation, now, horizon):
                    if not now < duty.start <= horizon:
                        continue
                    for contact_arn in duty.contact_arns:
                        await self._write(
                            Handoff(
                                rotation_id=rotation,
                                shift_start=duty.start.timestamp(),
                                contact_arn=contact_arn,
                                schedule_arn=schedule.arn,
                                shift_end=duty.end.timestamp(),
                                due_at=(duty.start - self.notice).timestamp(),
                                state=PENDING,
                            )
                        )

    async def _write(self, row: Handoff) -> None:
        try:
            async with self.database.write() as session:
                session.add(row)
        except IntegrityError:  # written by an earlier look-ahead
            return

    async def plan(self) -> None:
        """The leader's timers from the rows: one per hand-off not yet sent."""
        async with self.database.session() as session:
            rows = (
                await session.scalars(select(Handoff).where(Handoff.state.in_((PENDING, SENDING))))
            ).all()
        for row in rows:
            job_id = f"handoff:{handoff_key(row)}"
            if not self.schedule.has(job_id):  # neither waiting nor sending already
                self.schedule.once_at(
                    datetime.fromtimestamp(row.due_at, UTC),
                    job_id,
                    partial(self.send, row.rotation_id, row.shift_start, row.contact_arn),
                )

    async def _claim(self, rotation_id: str, shift_start: float, contact_arn: str) -> bool:
        """Take the row: pending, or sending by a worker that died."""
        now = time.time()
        return await self.database.compare_and_set(
            update(Handoff)
            .where(
                Handoff.rotation_id == rotation_id,
                Handoff.shift_start == shift_start,
                Handoff.contact_arn == contact_arn,
                (Handoff.state == PENDING)
                | ((Handoff.state == SENDING) & (Handoff.claimed_at < now - STALE_CLAIM_SECONDS)),
            )
            .values(state=SENDING, claimed_at=now)
        )

    async def _finish(self, row: Handoff, state: str) -> None:
        async with self.database.write() as session:
            await session.execute(
                update(Handoff)
                .where(
                    Handoff.rotation_id == row.rotation_id,
                    Handoff.shift_start == row.shift_start,
                    Handoff.contact_arn == row.contact_arn,
                )
                .values(state=state)
            )

    async def send(self, rotation_id: str, shift_start: float, contact_arn: str) -> None:
        """Tell the person coming on call, and the on-call channel; once."""
        if not self.schedule.leading or not await self._claim(
            rotation_id, shift_start, contact_arn
        ):
            return
        async with self.database.session() as session:
            row = await session.get(Handoff, (rotation_id, shift_start, contact_arn))
        if row is None:
            return
        start = datetime.fromtimestamp(row.shift_start, UTC)
        if start <= datetime.now(UTC):  # started while the bot was down: too late
            await self._finish(row, SKIPPED)
            return
        still = await self.on_call.duties(rotation_id, start, start + timedelta(seconds=1))
        if not any(contact_arn in d.contact_arns for d in still):  # covered meanwhile
            await self._finish(row, SKIPPED)
            return
        schedule = await self.on_call.contacts.contact(row.schedule_arn)
        end = datetime.fromtimestamp(row.shift_end, UTC)
        user = await self.on_call.people.slack_user_for(contact_arn, alias_of(contact_arn))
        open_count = await self.open_incidents()
        await self.bus.publish(
            ShiftHandedOff(handoff_key(row), schedule, contact_arn, user, start, end, open_count)
        )
        await self._finish(row, SENT)
