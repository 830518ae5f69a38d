"""``Handoffs`` on fakes: who is on call (a fake of ``OnCall`` over its rotation) and the bus,
heard as the Slack presenter hears it. Each hand-off is written once and said once; a person
covered meanwhile is not told. (``test_handoff.py`` runs the same end to end.)"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from bot.background.jobs import Timers
from bot.background.schedule import Schedule
from bot.contacts import Contact
from bot.events import Bus
from bot.oncall.events import ShiftHandedOff
from bot.oncall.handoffs import Handoffs
from bot.oncall.shifts import Duty
from bot.store.database import Database
from bot.store.schema import Handoff
from tests.oncall.conftest import ALICE, BOB, END, PAYMENTS, ROTATION, START, hearing
from tests.support import eventually


class OnCall:
    """One schedule of one rotation, whose next duty is ``duty`` (None: nobody, covered)."""

    def __init__(self, duty: Duty | None) -> None:
        self.duty = duty
        self.contacts = SimpleNamespace(contact=self.contact)
        self.people = SimpleNamespace(slack_user_for=self.slack_user_for)

    async def schedules(self) -> list[Contact]:
        return [PAYMENTS]

    async def duties(self, rotation_id: str, start: datetime, end: datetime) -> list[Duty]:
        assert rotation_id == ROTATION
        return [self.duty] if self.duty and self.duty.start < end else []

    async def contact(self, arn: str) -> Contact:
        return PAYMENTS

    async def slack_user_for(self, contact_arn: str, alias: str) -> str | None:
        return {ALICE: "UALICE"}.get(contact_arn)


def handoffs(database: Database, on_call: OnCall, bus: Bus) -> Handoffs:
    settings = SimpleNamespace(handoff_notice_minutes=15, handoff_check_seconds=60)
    schedule = SimpleNamespace(leading=True)

    async def open_incidents() -> int:
        return 2

    return Handoffs(on_call, database, settings, schedule, open_incidents, bus)


async def rows(database: Database) -> list[tuple[str, float, str]]:
    async with database.session() as session:
        found = await session.scalars(select(Handoff).order_by(Handoff.contact_arn))
        return [(row.contact_arn, row.due_at, row.state) for row in found]


async def test_a_row_per_person_coming_on_call_written_once(database: Database) -> None:
    on_call = OnCall(Duty((ALICE, BOB), START, END, overridden=False))
    handing = handoffs(database, on_call, Bus())
    await handing.look_ahead()
    await handing.look_ahead()  # the next look-ahead finds the same shift: written already
    due = (START - timedelta(minutes=15)).timestamp()
    assert await rows(database) == [(ALICE, due, "pending"), (BOB, due, "pending")]


async def alice_due(database: Database) -> tuple[Handoffs, OnCall, list[object]]:
    """Alice's hand-off written, its timer about to fire; what the bus says of hand-offs."""
    bus = Bus()
    heard = hearing(bus, ShiftHandedOff)
    on_call = OnCall(Duty((ALICE,), START, END, overridden=False))
    handing = handoffs(database, on_call, bus)
    await handing.look_ahead()
    return handing, on_call, heard


async def test_the_person_coming_on_call_is_told_once(database: Database) -> None:
    handing, _, heard = await alice_due(database)
    await handing.send(ROTATION, START.timestamp(), ALICE)
    await handing.send(ROTATION, START.timestamp(), ALICE)  # a second timer: claimed already
    key = f"{ROTATION}|{START.timestamp()}|{ALICE}"
    assert heard == [ShiftHandedOff(key, PAYMENTS, ALICE, "UALICE", START, END, 2)]
    assert [state for _, _, state in await rows(database)] == ["sent"]


async def test_a_person_covered_meanwhile_is_not_told(database: Database) -> None:
    handing, on_call, heard = await alice_due(database)
    on_call.duty = Duty((BOB,), START, END, overridden=True)  # bob covers her shift
    await handing.send(ROTATION, START.timestamp(), ALICE)
    assert heard == []
    assert [state for _, _, state in await rows(database)] == ["skipped"]


async def test_planning_while_a_hand_off_is_sent_adds_no_second_timer(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    """The planner runs every second; a send still under way (Slack slow to answer) is neither
    planned again nor skipped by APScheduler with a warning, and says its hand-off once."""
    handing, on_call, heard = await alice_due(database)
    looking_up, answer = asyncio.Event(), asyncio.Event()

    async def slow_lookup(contact_arn: str, alias: str) -> str | None:
        looking_up.set()
        await answer.wait()
        return "UALICE"

    on_call.people = SimpleNamespace(slack_user_for=slow_lookup)
    schedule = Schedule()
    schedule.start(Timers(advance=no_work, remind=no_work, read_ahead=no_work), [])
    schedule.lead()
    handing.schedule = schedule
    try:
        await handing.plan()  # due already: its timer fires at once
        await asyncio.wait_for(looking_up.wait(), 5)
        for _ in range(3):  # planner rounds while the send waits on Slack
            await handing.plan()
            await asyncio.sleep(0.05)
        answer.set()
        await eventually(lambda: heard)
        await asyncio.sleep(0.1)  # room for a second send to show itself
    finally:
        await schedule.shutdown()
    assert len(heard) == 1
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


async def no_work(*_: object) -> None:
    """A timer of the escalations, which this test plans none of."""
