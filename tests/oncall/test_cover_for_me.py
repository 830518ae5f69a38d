"""**Cover for me** on the hand-off DM: a request in ONCALL_CHANNEL, asked only by the hand-off's
own person, whose **I'll cover** is taken by the first of two people pressing at once and covers
the requester's rotation and shift; the override made once, confirmed to both. A request Slack
or AWS refused leaves nothing behind; a request whose shift is over expires."""

from __future__ import annotations

import asyncio
import time
from copy import deepcopy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from bot.store.schema import CoverRequest
from emulator.slack import RunningFakeSlack
from emulator.slack.workspace import BOT_USER
from tests.oncall.conftest import daily_rotation, daily_schedule, on_call_schedule
from tests.support import Stack, eventually, replies

ONCALL = "CONCALL001"
# A shift hands off this many seconds from the start of a test, its hand-off DM coming a second
# in (the notice is 30 s): room for the presses before the shift begins on a loaded machine
# (with a 6 s notice a cover asked under load came after the shift had begun, and was refused).
HAND_OFF_IN = 31


@pytest.fixture
def bot_settings(slack: RunningFakeSlack) -> dict[str, Any]:
    slack.fake.add_channel("oncall", members=[BOT_USER], channel_id=ONCALL)
    return {
        "oncall_channel": ONCALL,
        "handoff_notice_minutes": 0.5,  # 30 s
        "handoff_check_seconds": 0.3,
    }


async def test_the_first_of_two_pressing_at_once_covers_the_shift(
    stack: Stack, team: dict[str, str]
) -> None:
    fake, alice, bob, carol = stack.slack, team["alice"], team["bob"], team["carol"]
    schedule = daily_schedule(stack, "payments", ["alice", "bob", "carol"], hand_off_in=HAND_OFF_IN)
    handoff = await hand_off(stack, bob)
    await stack.sender.press(bob, handoff, "oncall_cover_for_me")
    [request] = await eventually(lambda: requests(stack))
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
    await stack.sender.press(bob, handoff, "oncall_cover_for_me")  # his hand-off, pressed again
    await eventually(lambda: f"<@{winner}> already covers that shift." in replies(stack, bob))


async def test_nobody_can_take_their_own_request(stack: Stack, team: dict[str, str]) -> None:
    bob = team["bob"]
    daily_schedule(stack, "payments", ["alice", "bob"], hand_off_in=HAND_OFF_IN)
    handoff = await hand_off(stack, bob)
    await stack.sender.press(bob, handoff, "oncall_cover_for_me")
    [request] = await eventually(lambda: requests(stack))
    await stack.sender.press(bob, request, "oncall_will_cover", channel_id=ONCALL)
    await eventually(lambda: any("your own request" in r for r in replies(stack, bob)))
    await stack.sender.press(bob, handoff, "oncall_cover_for_me")
    await eventually(lambda: any("already asked for cover" in r for r in replies(stack, bob)))
    assert len(requests(stack)) == 1


async def hand_off(stack: Stack, user: str) -> dict[str, Any]:
    """The hand-off DM the person gets before their shift, once it comes."""
    [message] = await eventually(
        lambda: [m for m in stack.slack.dms(user) if "You are on call for" in m.get("text", "")],
        timeout=10,
    )
    return message


async def bob_next(stack: Stack, bob: str) -> tuple[str, dict[str, Any]]:
    """The payments schedule (alice, then bob in a few seconds) and bob's hand-off DM, once
    the on-call channel has its hand-off line too (nothing else is posted after it)."""
    schedule = daily_schedule(stack, "payments", ["alice", "bob"], hand_off_in=HAND_OFF_IN)
    handoff = await hand_off(stack, bob)
    await eventually(
        lambda: [m for m in stack.slack.messages(ONCALL) if "is on call for" in m["text"]]
    )
    return schedule, handoff


async def bob_asks(stack: Stack, bob: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """``bob_next``, then bob's **Cover for me**: the schedule, his hand-off, the request."""
    schedule, handoff = await bob_next(stack, bob)
    await stack.sender.press(bob, handoff, "oncall_cover_for_me")
    [request] = await eventually(lambda: requests(stack))
    return schedule, handoff, request


def requests(stack: Stack) -> list[dict[str, Any]]:
    return [m for m in stack.slack.messages(ONCALL) if "asks for cover" in m.get("text", "")]


def rotation_overrides(stack: Stack, rotation: str) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    return stack.aws("ssm-contacts").list_rotation_overrides(
        RotationId=rotation, StartTime=now - timedelta(days=1), EndTime=now + timedelta(days=3)
    )["RotationOverrides"]


def rotation_of(stack: Stack, schedule: str) -> str:
    return str(stack.aws("ssm-contacts").get_contact(ContactId=schedule)["Plan"]["RotationIds"][0])


async def told(stack: Stack, user: str, text: str, timeout: float = 10) -> str:
    found = await eventually(lambda: [r for r in replies(stack, user) if text in r], timeout)
    return found[0]


async def test_nobody_asks_for_cover_on_someone_elses_shift(
    stack: Stack, team: dict[str, str]
) -> None:
    alice, bob = team["alice"], team["bob"]
    _, handoff = await bob_next(stack, bob)
    [key] = [e["value"] for b in handoff["blocks"] if b["type"] == "actions" for e in b["elements"]]

    # alice sends the button's value with bob's hand-off key: refused, nothing posted
    await stack.sender.block_action(alice, "oncall_cover_for_me", key, channel_id=ONCALL)
    said = await told(stack, alice, "Nobody was asked")
    assert "Only the person on call for that shift can ask for cover on it." in said
    await stack.sender.block_action(alice, "oncall_cover_for_me", "forged|key", channel_id=ONCALL)
    assert "not made by incident-bot" in await told(stack, alice, "not made by")
    await asyncio.sleep(0.3)
    assert requests(stack) == []

    # bob's own press asks: he is not told he already asked
    await stack.sender.press(bob, handoff, "oncall_cover_for_me")
    await told(stack, bob, "Asked for cover in <#")
    [request] = await eventually(lambda: requests(stack))
    assert request["text"] == f"<@{bob}> asks for cover on payments"


async def test_a_request_slack_refuses_leaves_nothing_behind_and_a_later_press_posts_it(
    stack: Stack, team: dict[str, str]
) -> None:
    fake, bob = stack.slack, team["bob"]
    _, handoff = await bob_next(stack, bob)

    fake.refuse("chat.postMessage", "not_in_channel")
    await stack.sender.press(bob, handoff, "oncall_cover_for_me")
    said = await told(stack, bob, "Nobody was asked")
    assert f"Slack refused the request in <#{ONCALL}> (`not_in_channel`)" in said
    assert "press **Cover for me** again" in said
    assert requests(stack) == []

    await stack.sender.press(bob, handoff, "oncall_cover_for_me")
    await told(stack, bob, "Asked for cover in <#")
    assert len(await eventually(lambda: requests(stack))) == 1
    assert not any("already asked" in r for r in replies(stack, bob))


async def test_a_request_aws_throttles_leaves_nothing_behind_and_a_later_press_posts_it(
    stack: Stack, team: dict[str, str]
) -> None:
    bob = team["bob"]
    schedule, handoff = await bob_next(stack, bob)
    stack.emulator.faults.add(
        {"operation": "GetContact", "error": "ThrottlingException", "when": {"ContactId": schedule}}
    )
    await stack.sender.press(bob, handoff, "oncall_cover_for_me")
    # boto3 retries a throttled call three times, backing off up to seconds each
    said = await told(stack, bob, "Nobody was asked", timeout=30)
    stack.emulator.faults.clear()
    assert "throttling" in said and requests(stack) == []

    await stack.sender.press(bob, handoff, "oncall_cover_for_me")
    await told(stack, bob, "Asked for cover in <#")
    assert len(await eventually(lambda: requests(stack))) == 1


async def test_two_presses_while_slack_is_slow_post_one_request(
    stack: Stack, team: dict[str, str]
) -> None:
    fake, bob = stack.slack, team["bob"]
    _, handoff = await bob_next(stack, bob)
    fake.delay("chat.postMessage", 1.0)
    await asyncio.gather(
        stack.sender.press(bob, handoff, "oncall_cover_for_me"),
        stack.sender.press(bob, handoff, "oncall_cover_for_me"),
    )
    await told(stack, bob, "Asked for cover in <#")
    assert "is being posted" in await told(stack, bob, "being posted")
    await asyncio.sleep(0.3)
    assert len(requests(stack)) == 1


async def test_ill_cover_covers_the_requesters_rotation_and_shift_not_the_takers(
    stack: Stack, team: dict[str, str]
) -> None:
    bob, carol = team["bob"], team["carol"]
    day = daily_rotation(stack, "db-day", ["alice", "bob"], hand_off_in=HAND_OFF_IN)
    night = daily_rotation(stack, "db-night", ["carol"], hand_off_in=HAND_OFF_IN)  # carol, always
    on_call_schedule(stack, "db-oncall", [day, night])
    await stack.sender.press(bob, await hand_off(stack, bob), "oncall_cover_for_me")
    [request] = await eventually(lambda: requests(stack))

    await stack.sender.press(carol, request, "oncall_will_cover", channel_id=ONCALL)
    [override] = await eventually(lambda: rotation_overrides(stack, day))
    assert override["NewContactIds"] == [stack.emulator.contacts.contact_arn("carol")]
    assert override["EndTime"] - override["StartTime"] == timedelta(days=1)  # bob's shift
    assert override["StartTime"] > datetime.now(UTC)  # it has not started yet
    assert rotation_overrides(stack, night) == []
    covered = f"<@{carol}> covers <@{bob}>"
    await eventually(lambda: any(covered in m["text"] for m in stack.slack.dms(bob)))


async def test_a_request_whose_shift_is_over_expires_and_its_button_says_so(
    stack: Stack, team: dict[str, str]
) -> None:
    alice, bob = team["alice"], team["bob"]
    schedule, handoff, request = await bob_asks(stack, bob)
    shown_before = deepcopy(request)  # as a client that has not refreshed still shows it

    later = datetime.now(UTC) + timedelta(days=2)  # bob's shift (a day) is over
    stack.services.cover_requests.clock = lambda: later
    expired = await eventually(
        lambda: (
            "expired" in stack.slack.message(ONCALL, request["ts"])["text"]
            and stack.slack.message(ONCALL, request["ts"])
        )
    )
    assert f"<@{bob}>'s request for cover on `payments`" in expired["text"]
    assert "the shift is over and nobody took it" in expired["text"]
    assert "I'll cover" not in str(expired["blocks"])

    await stack.sender.press(alice, shown_before, "oncall_will_cover", channel_id=ONCALL)
    said = await told(stack, alice, "expired")
    assert "This request expired: the shift is over. Nothing was changed." in said
    await stack.sender.press(bob, handoff, "oncall_cover_for_me")
    assert "That shift is over" in await told(stack, bob, "shift is over")
    assert rotation_overrides(stack, rotation_of(stack, schedule)) == []
    assert requests(stack) == []  # no new request; the one asked is the expired notice
    assert [m["ts"] for m in stack.slack.messages(ONCALL) if "expired" in m["text"]] == [
        request["ts"]
    ]


async def test_ill_cover_on_a_shift_covered_meanwhile_changes_nothing(
    stack: Stack, team: dict[str, str]
) -> None:
    alice, bob = team["alice"], team["bob"]
    schedule, _, request = await bob_asks(stack, bob)
    rotation = rotation_of(stack, schedule)
    start = datetime.now(UTC) + timedelta(seconds=30)
    stack.aws("ssm-contacts").create_rotation_override(  # carol, set in the console
        RotationId=rotation,
        NewContactIds=[stack.emulator.contacts.contact_arn("carol")],
        StartTime=start,
        EndTime=start + timedelta(hours=1),
    )
    await stack.sender.press(alice, request, "oncall_will_cover", channel_id=ONCALL)
    said = await told(stack, alice, "no longer on call")
    assert "nothing was changed" in said
    assert len(rotation_overrides(stack, rotation)) == 1  # carol's only


async def test_a_request_cut_short_by_a_crash_is_finished_by_the_next_press_once(
    stack: Stack, team: dict[str, str]
) -> None:
    alice, bob = team["alice"], team["bob"]
    _, handoff, request = await bob_asks(stack, bob)
    # as a worker leaves it that died after Slack took the post, before the row said so
    async with stack.services.database.write() as session:
        await session.execute(
            update(CoverRequest).values(
                state="posting", channel_id=None, ts=None, claimed_at=time.time() - 60
            )
        )
    await stack.sender.press(bob, handoff, "oncall_cover_for_me")
    await eventually(
        lambda: len([r for r in replies(stack, bob) if "Asked for cover in <#" in r]) == 2
    )
    assert requests(stack) == [request]  # found by its metadata, not posted again

    await stack.sender.press(alice, request, "oncall_will_cover", channel_id=ONCALL)
    covered = f"<@{alice}> covers <@{bob}>"
    await eventually(lambda: covered in stack.slack.message(ONCALL, request["ts"])["text"])


async def test_ill_cover_on_a_shift_under_way_covers_what_is_left_of_it(
    stack: Stack, team: dict[str, str]
) -> None:
    alice, bob = team["alice"], team["bob"]
    schedule, _, request = await bob_asks(stack, bob)
    later = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=2)  # bob is on call
    stack.services.cover_requests.clock = lambda: later
    await stack.sender.press(alice, request, "oncall_will_cover", channel_id=ONCALL)
    [override] = await eventually(lambda: rotation_overrides(stack, rotation_of(stack, schedule)))
    assert override["StartTime"] == later
    left = override["EndTime"] - later  # bob's shift began seconds ago and lasts a day
    assert timedelta(hours=22) - timedelta(minutes=1) < left < timedelta(hours=22, minutes=1)
    covered = f"<@{alice}> covers <@{bob}>"
    await eventually(lambda: covered in stack.slack.message(ONCALL, request["ts"])["text"])
