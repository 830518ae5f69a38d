"""Stages that fall due together: claimed in one wave, their pages out before their DMs."""

from __future__ import annotations

import asyncio

from bot.escalation.events import EscalationClosed, StageStarted
from tests.escalation.conftest import World
from tests.escalation.fakes import INCIDENT, plan
from tests.escalation.test_runner import start


async def three_escalations(world: World) -> list[str]:
    """Three escalations whose second stages page one, two and three people."""
    ids = []
    for n, second in enumerate((["bob"], ["bob", "carol"], ["bob", "carol", "alice"])):
        contact = plan(f"plan-{n}", (5, {"alice": True}), (5, dict.fromkeys(second, True)))
        world.people.contacts[contact.arn] = contact
        ids.append((await start(world, contact)).id)
    return ids


async def test_a_wave_sends_every_page_before_any_of_its_dms(world: World) -> None:
    ids = await three_escalations(world)
    world.log.clear()

    work = await world.paging.due_stages.claim_wave([(eid, 1) for eid in ids])
    await asyncio.gather(*work.values())

    kinds = [kind for kind, _ in world.log]
    assert kinds == ["engage"] * 6 + ["dm"] * 6
    assert {s for s in world.heard.of(StageStarted) if s.stage == 1} == {
        StageStarted(eid, 1) for eid in ids
    }


async def test_a_stage_no_longer_due_is_left_out_of_the_wave(world: World) -> None:
    ids = await three_escalations(world)
    await world.paging.runner.advance(ids[0], 1)

    work = await world.paging.due_stages.claim_wave([(eid, 1) for eid in ids])

    assert set(work) == {(ids[1], 1), (ids[2], 1)}
    await asyncio.gather(*work.values())
    assert len(world.dms("bob")) == 3
    assert len(world.dms("carol")) == 2


async def test_a_wave_stops_the_escalations_of_a_resolved_incident(world: World) -> None:
    ids = await three_escalations(world)
    world.incidents.resolve(INCIDENT)
    world.log.clear()

    work = await world.paging.due_stages.claim_wave([(eid, 1) for eid in ids])
    await asyncio.gather(*work.values())

    assert world.log == []  # nobody paged
    assert sorted(e.escalation_id for e in world.heard.of(EscalationClosed)) == sorted(ids)
