"""**Cover for me** on the hand-off DM: a request in ONCALL_CHANNEL whose **I'll cover** is taken
by the first of two people pressing at once; the override made once, confirmed to both."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from emulator.slack import RunningFakeSlack
from emulator.slack.workspace import BOT_USER
from tests.oncall.conftest import daily_schedule
from tests.support import Stack, eventually, replies

ONCALL = "CONCALL001"


@pytest.fixture
def bot_settings(slack: RunningFakeSlack) -> dict[str, Any]:
    slack.fake.add_channel("oncall", members=[BOT_USER], channel_id=ONCALL)
    return {
        "oncall_channel": ONCALL,
        "handoff_notice_minutes": 0.1,  # 6 s
        "handoff_check_seconds": 0.3,
    }


async def test_the_first_of_two_pressing_at_once_covers_the_shift(
    stack: Stack, team: dict[str, str]
) -> None:
    fake, alice, bob, carol = stack.slack, team["alice"], team["bob"], team["carol"]
    schedule = daily_schedule(stack, "payments", ["alice", "bob", "carol"], hand_off_in=7)
    [handoff] = await eventually(
        lambda: [m for m in fake.dms(bob) if "You are on call for" in m.get("text", "")],
        timeout=10,
    )
    await stack.sender.press(bob, handoff, "oncall_cover_for_me")
    [request] = await eventually(
        lambda: [m for m in fake.messages(ONCALL) if "asks for cover" in m.get("text", "")]
    )
    assert request["text"] == "<@" + bob + "> asks for cover on payments"

    await asyncio.gather(
        stack.sender.press(alice, request, "oncall_will_cover", channel_id=ONCALL),
        stack.sender.press(carol, request, "oncall_will_cover", channel_id=ONCALL),
    )
    refused = await eventually(
        lambda: [
            (user, r)
            for user in (alice, carol)
            for r in replies(stack, user)
            if "already took this cover" in r
        ]
    )
    [(loser, said)] = refused
    winner = carol if loser == alice else alice
    assert f"<@{winner}> already took this cover" in said

    rotation = stack.aws("ssm-contacts").get_contact(ContactId=schedule)["Plan"]["RotationIds"][0]

    def overrides() -> list[dict[str, Any]]:
        now = datetime.now(UTC)
        return stack.aws("ssm-contacts").list_rotation_overrides(
            RotationId=rotation, StartTime=now, EndTime=now + timedelta(days=3)
        )["RotationOverrides"]

    [override] = await eventually(overrides)  # the winner's override, once AWS has it
    name = "alice" if winner == alice else "carol"
    assert override["NewContactIds"] == [stack.emulator.contacts.contact_arn(name)]
    assert override["EndTime"] - override["StartTime"] == timedelta(days=1)

    covered = f"<@{winner}> covers <@{bob}>"
    await eventually(lambda: any(covered in m["text"] for m in fake.dms(bob)))
    await eventually(lambda: any(covered in m["text"] for m in fake.dms(winner)))
    assert not any(covered in m["text"] for m in fake.dms(loser))
    updated = fake.message(ONCALL, request["ts"])
    assert covered in updated["text"] and "I'll cover" not in str(updated["blocks"])
    await asyncio.sleep(0.5)
    assert len([m for m in fake.dms(bob) if covered in m["text"]]) == 1
    assert len(overrides()) == 1


async def test_nobody_can_take_their_own_request(stack: Stack, team: dict[str, str]) -> None:
    fake, bob = stack.slack, team["bob"]
    daily_schedule(stack, "payments", ["alice", "bob"], hand_off_in=7)
    [handoff] = await eventually(
        lambda: [m for m in fake.dms(bob) if "You are on call for" in m.get("text", "")],
        timeout=10,
    )
    await stack.sender.press(bob, handoff, "oncall_cover_for_me")
    [request] = await eventually(
        lambda: [m for m in fake.messages(ONCALL) if "asks for cover" in m.get("text", "")]
    )
    await stack.sender.press(bob, request, "oncall_will_cover", channel_id=ONCALL)
    await eventually(lambda: any("your own request" in r for r in replies(stack, bob)))
    await stack.sender.press(bob, handoff, "oncall_cover_for_me")
    await eventually(lambda: any("already asked for cover" in r for r in replies(stack, bob)))
    assert len([m for m in fake.messages(ONCALL) if "asks for cover" in m["text"]]) == 1
