"""Stages that fall due together are claimed together (a due wave), and still start once."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC
from typing import Any

import pytest

from tests.escalation.common import engagements, page, page_alice, page_dms, status_text
from tests.support import Stack, declare_incident, eventually


@pytest.fixture
def bot_settings() -> dict[str, Any]:
    # a plan minute lasts 1 s: stage 2 falls due 5 s after stage 1, after the race below
    return {"default_response_plan": "critical-service", "time_scale": 1.0}


async def test_a_wave_racing_the_timers_and_one_by_one_starts_each_stage_once(
    stack: Stack, team: dict[str, str]
) -> None:
    declared = [await declare_incident(stack) for _ in range(3)]
    await asyncio.gather(*(page(stack, d) for d in declared))
    escalations, waves = stack.services.escalations, stack.services.due_stages

    async def in_stage_1() -> list[tuple[str, int]]:
        running = [e for d in declared for e in await escalations.running(d.arn)]
        in_1 = [(e.id, 1) for e in running if e.current_stage == 0]
        return in_1 if len(in_1) == 3 else []

    due = await eventually(lambda: in_stage_1(), timeout=5)

    # stage 2 of all three by a wave, a second wave and the one-by-one way, all at once
    waves = await asyncio.gather(
        waves.claim_wave(due),
        waves.claim_wave(due),
        *(waves.runner.advance(escalation, stage) for escalation, stage in due),
    )
    await asyncio.gather(*(work for wave in waves[:2] for work in wave.values()))

    bob_pages = await eventually(lambda: (p := page_dms(stack, team["bob"])) and len(p) >= 3 and p)
    await asyncio.sleep(1.0)  # room for a second start to show itself
    assert len(page_dms(stack, team["bob"])) == len(bob_pages) == 3
    for d in declared:
        paged = [e["ContactArn"].rsplit("/", 1)[-1] for e in engagements(stack, d.arn)]
        assert paged.count("bob") == 1, paged
        assert paged.count("alice") == 1, paged


async def test_an_answer_in_aws_read_ahead_of_the_next_stage_ends_the_escalation(
    stack: Stack, team: dict[str, str]
) -> None:
    contacts = stack.emulator.contacts
    read_pages, reads = contacts.ListPagesByEngagement, []

    def read_once(params: dict[str, Any]) -> dict[str, Any]:
        """Answers the first read; AWS refuses every read after it."""
        reads.append(time.time())
        stack.emulator.faults.add(
            {"operation": "ListPagesByEngagement", "error": "AccessDeniedException"}
        )
        return read_pages(params)

    contacts.ListPagesByEngagement = read_once
    declared, _ = await page_alice(stack, team)
    client = stack.aws("ssm-contacts")
    [alice_page] = client.list_pages_by_contact(ContactId=contacts.contact_arn("alice"))["Pages"]
    client.accept_page(  # alice answers her SMS
        PageId=alice_page["PageArn"],
        AcceptType="READ",
        AcceptCode="000000",
        AcceptCodeValidation="IGNORE",
    )
    [escalation] = await stack.services.escalations.running(declared.arn)
    assert escalation.stage_started_at is not None
    started = escalation.stage_started_at.replace(tzinfo=UTC).timestamp()

    # read once, a little before stage 2 fell due; the wave took that read and paged nobody
    await eventually(lambda: "later stages cancelled" in status_text(stack, declared), timeout=10)
    assert len(reads) == 1
    assert reads[0] < started + 5.0  # stage 1 lasts 5 plan minutes of 1 s
    await asyncio.sleep(1.0)
    assert page_dms(stack, team["bob"]) == []
    assert len(engagements(stack, declared.arn)) == 1
