"""The stage life on fakes of AWS and Slack: stage k engages its targets once, an essential
acknowledgement ends the escalation and a non-essential one does not, a restart resumes."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.contacts import Contact
from bot.errors import AccessDenied
from bot.escalation.closing import RESOLVED_STOP
from bot.escalation.events import (
    EscalationClosed,
    EscalationExhausted,
    EscalationStarted,
    PageRefused,
    PageUnlinked,
    StageStarted,
    TargetNotPaged,
)
from bot.store.schema import Escalation
from bot.vocabulary import Delivery, EscalationState
from tests.escalation.conftest import ONCALL, PAGER, USERS, World
from tests.escalation.fakes import CHANNEL, INCIDENT, contact_arn, plan


async def start(world: World, contact: Contact = ONCALL) -> Escalation:
    """Page ``contact`` for the incident; its escalation, as the store holds it now."""
    incident = await world.incidents.get(INCIDENT)
    await world.paging.escalations.start(incident, contact, PAGER)
    running = await world.paging.escalations.running(INCIDENT)
    [escalation] = [e for e in running if e.contact_arn == contact.arn]
    return escalation


async def state_of(world: World, escalation_id: str) -> str:
    async with world.database.session() as session:
        row = await session.get(Escalation, escalation_id)
    assert row is not None
    return row.state


async def test_the_first_stage_engages_and_dms_its_targets_once(world: World) -> None:
    escalation = await start(world)

    assert world.contacts.engaged == [contact_arn("alice")]
    [dm] = world.dms("alice")
    assert (dm.paged_by, dm.stage, dm.stages) == (f"Name of {PAGER}", 1, 2)
    assert dm.escalation_id == escalation.id
    assert world.heard.of(StageStarted) == [StageStarted(escalation.id, 0)]
    [started] = world.heard.of(EscalationStarted)
    assert (started.channel_id, started.alias, len(started.stages)) == (CHANNEL, "oncall", 2)

    assert await world.paging.runner.advance(escalation.id, 0) is None  # begun already
    await world.paging.auditor.audit()
    assert world.contacts.engaged == [contact_arn("alice")]
    assert len(world.dms("alice")) == 1


async def test_stage_k_engages_its_targets_once_however_many_timers_fire(world: World) -> None:
    escalation = await start(world)
    due = [(escalation.id, 1)]

    waves = await asyncio.gather(
        world.paging.due_stages.claim_wave(due),
        world.paging.due_stages.claim_wave(due),
        world.paging.runner.advance(escalation.id, 1),
        world.paging.runner.advance(escalation.id, 1),
    )
    await asyncio.gather(*(work for wave in waves[:2] for work in wave.values()))  # type: ignore[union-attr]

    assert world.contacts.engaged == [contact_arn("alice"), contact_arn("bob")]
    assert len(world.dms("bob")) == 1
    assert world.heard.of(StageStarted).count(StageStarted(escalation.id, 1)) == 1
    assert (escalation.id, 2) in world.schedule.stages  # the timer of the stage after


async def test_the_next_stage_falls_due_its_minutes_after_this_one_began(world: World) -> None:
    escalation = await start(world)

    [(key, due)] = world.schedule.stages.items()
    assert key == (escalation.id, 1)
    assert escalation.stage_started_at is not None
    began = escalation.stage_started_at.replace(tzinfo=due.tzinfo)
    assert due - began == timedelta(seconds=5 * world.settings.time_scale)


async def test_an_essential_acknowledgement_ends_the_escalation(world: World) -> None:
    escalation = await start(world)
    [dm] = world.dms("alice")

    await world.paging.acknowledging.acknowledge(dm.notice_id, USERS["alice"])

    assert await state_of(world, escalation.id) == EscalationState.ACKNOWLEDGED
    assert (escalation.id, 1) in world.schedule.cancelled
    assert await world.paging.runner.advance(escalation.id, 1) is None
    assert world.contacts.engaged == [contact_arn("alice")]  # bob is never paged
    [(_, note)] = world.contacts.accepted
    assert note == f"Acknowledged in Slack by Name of {USERS['alice']} ({USERS['alice']})"
    assert list(world.incidents.notes.values()) == [
        f"Page to alice acknowledged in Slack by Name of {USERS['alice']}"
    ]


async def test_a_non_essential_acknowledgement_lets_the_stages_go_on(world: World) -> None:
    optional = plan("optional", (5, {"alice": False}), (10, {"bob": True}))
    world.people.contacts[optional.arn] = optional
    escalation = await start(world, optional)
    [dm] = world.dms("alice")

    await world.paging.acknowledging.acknowledge(dm.notice_id, USERS["alice"])
    assert await state_of(world, escalation.id) == EscalationState.RUNNING
    await world.paging.runner.advance(escalation.id, 1)

    assert world.contacts.engaged == [contact_arn("alice"), contact_arn("bob")]
    assert len(world.dms("bob")) == 1


async def test_past_the_last_stage_the_channel_is_told_nobody_answered(world: World) -> None:
    escalation = await start(world)
    await world.paging.runner.advance(escalation.id, 1)
    await world.paging.runner.advance(escalation.id, 2)

    assert await state_of(world, escalation.id) == EscalationState.EXHAUSTED
    assert world.heard.of(EscalationExhausted) == [
        EscalationExhausted(escalation.id, CHANNEL, "oncall")
    ]
    assert await world.paging.runner.advance(escalation.id, 3) is None


async def test_a_resolved_incident_stops_the_escalation_instead_of_paging_on(
    world: World,
) -> None:
    escalation = await start(world)
    world.incidents.resolve()

    assert await world.paging.runner.advance(escalation.id, 1) is None

    assert await state_of(world, escalation.id) == EscalationState.STOPPED
    [closed] = world.heard.of(EscalationClosed)
    assert closed.withdrawn.why == RESOLVED_STOP
    assert [n.contact_arn for n in closed.withdrawn.notices] == [contact_arn("alice")]
    assert len(world.contacts.stopped) == 1  # alice's engagement
    assert world.contacts.engaged == [contact_arn("alice")]


async def test_an_answer_through_aws_ends_the_escalation_at_the_next_stage(world: World) -> None:
    escalation = await start(world)
    world.contacts.answer("alice")  # an SMS reply

    assert await world.paging.runner.advance(escalation.id, 1) is None

    assert await state_of(world, escalation.id) == EscalationState.ACKNOWLEDGED
    assert world.contacts.engaged == [contact_arn("alice")]
    assert list(world.incidents.notes.values()) == [
        "Page to alice acknowledged outside Slack; escalation oncall stopped"
    ]
    [closed] = world.heard.of(EscalationClosed)
    assert closed.withdrawn.why.startswith("alice acknowledged outside Slack")


async def test_a_target_aws_refuses_is_named_and_the_others_paged(world: World) -> None:
    both = plan("both", (5, {"alice": True, "bob": True}))
    world.people.contacts[both.arn] = both
    world.contacts.refusing[contact_arn("alice")] = AccessDenied("No ssm-contacts:StartEngagement.")
    incident = await world.incidents.get(INCIDENT)

    started = await world.paging.escalations.start(incident, both, PAGER)

    assert started.paged == ["bob"]
    assert started.failed == {"alice": "No ssm-contacts:StartEngagement."}
    assert world.heard.of(TargetNotPaged) == [
        TargetNotPaged(CHANNEL, "alice", "No ssm-contacts:StartEngagement.")
    ]
    assert world.dms("alice") == [] and len(world.dms("bob")) == 1


async def test_a_dm_slack_refuses_is_said_in_the_channel(world: World) -> None:
    world.messages.refusing.add(USERS["alice"])
    escalation = await start(world)

    assert world.heard.of(PageRefused) == [
        PageRefused(CHANNEL, "alice", USERS["alice"], "cannot_dm_bot")
    ]
    [notice] = await world.paging.notices.unanswered()
    assert notice.escalation_id == escalation.id
    assert notice.delivery == Delivery.NOBODY
    assert world.contacts.engaged == [contact_arn("alice")]  # AWS still pages her


async def test_a_contact_nobody_in_slack_answers_for_is_named(world: World) -> None:
    del world.people.users["alice"]
    await start(world)

    assert world.heard.of(PageUnlinked) == [PageUnlinked(CHANNEL, "alice")]
    [notice] = await world.paging.notices.unanswered()
    assert notice.delivery == Delivery.NOBODY
