"""Status updates and their reminders on fakes of AWS and Slack: an update says where it is to be
shown; a reminder fallen due is said once, however many planners claim it at once."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import update

from bot.incidents.events import IncidentResolved, StatusUpdateDue, StatusUpdatePosted
from bot.incidents.service import IncidentService
from bot.incidents.status_updates import StatusUpdate, StatusUpdates
from bot.store.schema import UpdateReminder
from tests.incidents.conftest import ANNOUNCE, World
from tests.incidents.test_declaration_steps import FORM, declared


@pytest.fixture
def updates(world: World) -> StatusUpdates:
    updates = StatusUpdates(world.incidents, world.slack, world.bus)
    world.bus.subscribe(IncidentResolved, updates.incident_resolved)
    return updates


async def test_an_update_is_noted_and_shown_where_its_impact_says(
    world: World, updates: StatusUpdates
) -> None:
    outcome = await declared(world)
    [arn] = world.aws.records

    await updates.post(StatusUpdate(arn, "OPEN", 2, "Rolled back", None), "UDANA", "view-1")
    await updates.post(StatusUpdate(arn, "OPEN", 3, "Recovering", 45), "UDANA", "view-2")

    high, medium = world.said(StatusUpdatePosted)
    assert high.channels == (outcome.channel_id, ANNOUNCE) and high.next_minutes == 30
    assert medium.channels == (outcome.channel_id,) and medium.next_minutes == 45
    assert (medium.incident.impact, medium.author, medium.what) == (3, "UDANA", "Recovering")
    assert world.aws.notes[arn][-2:] == [
        "Status update by Dana (UDANA) in Slack: Rolled back",
        "Status update by Dana (UDANA) in Slack: Recovering",
    ]


async def fall_due(world: World) -> None:
    """Every armed reminder is due now."""
    armed = update(UpdateReminder).where(UpdateReminder.due_at.is_not(None))
    async with world.incidents.database.write() as session:
        await session.execute(armed.values(due_at=time.time() - 1))


async def test_a_reminder_fallen_due_is_said_once_by_two_replicas(
    world: World, updates: StatusUpdates
) -> None:
    outcome = await declared(world)
    await updates.remind_due()  # armed: the card is posted
    assert world.said(StatusUpdateDue) == []

    service = world.incidents  # another replica's, reading the incident on its own
    replica = IncidentService(
        service.aws, service.timeline, service.database, service.settings, world.bus
    )
    other = StatusUpdates(replica, world.slack, world.bus)
    await fall_due(world)
    world.aws.gate = asyncio.Barrier(2)  # both have found it due before either claims it
    await asyncio.gather(updates.remind_due(), other.remind_due())

    [due] = world.said(StatusUpdateDue)
    assert (due.channel_id, due.minutes, due.incident.title) == (
        outcome.channel_id,
        30,
        FORM.title,
    )


async def test_a_resolved_incident_is_not_reminded(world: World, updates: StatusUpdates) -> None:
    await declared(world)
    await updates.remind_due()
    [arn] = world.aws.records
    await world.incidents.update(arn, "resolve-1", status="RESOLVED")

    await fall_due(world)
    await updates.remind_due()
    assert world.said(StatusUpdateDue) == []
