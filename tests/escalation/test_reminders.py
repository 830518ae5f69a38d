"""Reminders of an unanswered page: at the person's retry interval, each once, none once the
page is answered or the incident resolved."""

from __future__ import annotations

import asyncio
import dataclasses

from bot.contacts import PlanStage, PlanTarget
from bot.escalation.events import PageReminded
from tests.escalation.conftest import USERS, World
from tests.escalation.fakes import contact_arn, person
from tests.escalation.test_runner import start


def retrying_every(world: World, alias: str, minutes: int) -> None:
    """The person's own engagement plan retries every ``minutes``."""
    channel = PlanTarget(None, False, minutes, f"{contact_arn(alias)}/channel/sms")
    contact = dataclasses.replace(person(alias), stages=(PlanStage(0, (channel,)),))
    world.people.contacts[contact.arn] = contact


async def test_each_reminder_is_said_once_and_the_next_one_planned(world: World) -> None:
    retrying_every(world, "alice", 2)
    await start(world)
    [notice] = await world.paging.notices.unanswered()
    assert (notice.id, 1) in world.schedule.reminders

    await asyncio.gather(*(world.paging.reminders.remind(notice.id, 1) for _ in range(3)))

    [reminded] = world.heard.of(PageReminded)
    assert (reminded.notice.id, reminded.reminder) == (notice.id, 1)
    assert (notice.id, 2) in world.schedule.reminders


async def test_no_reminder_once_the_page_is_answered(world: World) -> None:
    retrying_every(world, "alice", 2)
    await start(world)
    [notice] = await world.paging.notices.unanswered()
    await world.paging.acknowledging.acknowledge(notice.id, USERS["alice"])

    await world.paging.reminders.remind(notice.id, 1)

    assert world.heard.of(PageReminded) == []


async def test_no_reminder_for_a_resolved_incident(world: World) -> None:
    retrying_every(world, "alice", 2)
    await start(world)
    [notice] = await world.paging.notices.unanswered()
    world.incidents.resolve()

    await world.paging.reminders.remind(notice.id, 1)

    assert world.heard.of(PageReminded) == []


async def test_a_reminder_timer_lost_is_planned_again_by_the_audit(world: World) -> None:
    retrying_every(world, "alice", 2)
    await start(world)
    [notice] = await world.paging.notices.unanswered()

    world.paging = world.restart()
    await world.paging.auditor.plan()

    assert list(world.schedule.reminders) == [(notice.id, 1)]
