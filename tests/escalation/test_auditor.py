"""A restart resumes: the timers come back from the rows, a stage half engaged when the
process died is finished, and nothing is paged twice."""

from __future__ import annotations

import asyncio

import pytest

from bot.escalation.events import StageStarted
from bot.vocabulary import Delivery
from tests.escalation.conftest import USERS, World
from tests.escalation.fakes import contact_arn
from tests.escalation.test_runner import start


async def test_a_restart_plans_the_next_stage_again_and_starts_it_once(world: World) -> None:
    escalation = await start(world)
    planned = world.schedule.stages[(escalation.id, 1)]
    before = world.paging

    world.paging = world.restart()  # the timers were in the old process
    assert world.schedule.stages == {}
    await world.paging.auditor.plan()
    assert world.schedule.stages == {(escalation.id, 1): planned}

    await asyncio.gather(  # the new leader's timer, and the old process's, both fire
        world.paging.runner.advance(escalation.id, 1), before.runner.advance(escalation.id, 1)
    )
    assert world.contacts.engaged == [contact_arn("alice"), contact_arn("bob")]
    assert len(world.dms("bob")) == 1
    assert world.heard.of(StageStarted).count(StageStarted(escalation.id, 1)) == 1


@pytest.mark.parametrize(
    "dies", ["in StartEngagement", "before Slack took the DM", "after Slack took the DM"]
)
async def test_a_page_cut_short_by_a_crash_is_finished_once_after_a_restart(
    world: World, monkeypatch: pytest.MonkeyPatch, dies: str
) -> None:
    """The worker dies while it pages alice, before it recorded her DM: its claim goes stale,
    the audit of a new process takes it over, finds what AWS and Slack hold (her engagement,
    her DM) and does what is missing, once."""
    monkeypatch.setattr("bot.escalation.notices.STALE_CLAIM_SECONDS", 0.0)
    if dies == "in StartEngagement":
        world.contacts.dies = True
    else:
        world.messages.dies = dies.split()[0]
    with pytest.raises(asyncio.CancelledError):
        await start(world)
    [escalation] = await world.paging.escalations.running()
    assert escalation.current_stage == 0  # the stage is taken, its page half done

    world.paging = world.restart()
    await world.paging.auditor.audit()
    await world.paging.auditor.audit()

    assert world.contacts.engaged == [contact_arn("alice")]
    assert len(world.dms("alice")) == 1
    [notice] = await world.paging.notices.unanswered()
    assert notice.delivery == Delivery.SENT
    assert notice.dm_ts == world.messages.posted[(USERS["alice"], notice.id)].ts
