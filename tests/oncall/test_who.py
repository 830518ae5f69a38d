"""``/incident oncall``: who is on call now, until when, and who is next; a plan's stages now."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.oncall.conftest import daily_schedule
from tests.support import Stack, eventually, replies


async def ask(stack: Stack, user: str, channel: str, args: str) -> str:
    seen = len(replies(stack, user))
    await stack.sender.slash_command("/incident", f"oncall {args}".strip(), user, channel)
    return (await eventually(lambda: replies(stack, user)[seen:]))[0]


def epochs(text: str) -> list[int]:
    return [int(e) for e in re.findall(r"<!date\^(\d+)\^", text)]


async def test_on_call_now_and_next_across_a_hand_off_and_with_an_override(
    stack: Stack, team: dict[str, str]
) -> None:
    payments = daily_schedule(stack, "payments", ["alice", "bob"], hand_off_in=2.5)
    alice, bob, carol = team["alice"], team["bob"], team["carol"]

    said = await ask(stack, team["dana"], team["ops"], "payments")
    assert f"on call now: <@{alice}> until" in said and f"next: <@{bob}> from" in said
    hand_off = epochs(said)[0]
    assert epochs(said) == [hand_off, hand_off]  # alice until the hand-off, bob from it

    async def bob_now() -> str | None:
        text = await ask(stack, team["dana"], team["ops"], "payments")
        return text if f"on call now: <@{bob}>" in text else None

    said = await eventually(bob_now, timeout=10)
    assert f"next: <@{alice}> from" in said
    assert epochs(said) == [hand_off + 86400, hand_off + 86400]

    contacts = stack.aws("ssm-contacts")
    schedule = contacts.get_contact(ContactId=payments)
    now = stack.emulator.clock.now()
    contacts.create_rotation_override(  # carol covers bob for an hour
        RotationId=schedule["Plan"]["RotationIds"][0],
        NewContactIds=[stack.emulator.contacts.contact_arn("carol")],
        StartTime=now - timedelta(minutes=1),
        EndTime=now + timedelta(hours=1),
    )
    said = await ask(stack, team["dana"], team["ops"], "payments")
    assert f"on call now: <@{carol}> (covering) until" in said
    assert f"next: <@{bob}> from" in said
    assert epochs(said)[0] == epochs(said)[1] == int((now + timedelta(hours=1)).timestamp())


async def test_without_an_argument_every_schedule_is_shown(
    stack: Stack, team: dict[str, str]
) -> None:
    daily_schedule(stack, "payments", ["bob", "alice"], hand_off_in=3600)
    said = await ask(stack, team["dana"], team["ops"], "")
    assert f"*Primary on call* (`primary-oncall`): on call now: <@{team['alice']}>" in said
    assert f"*Payments* (`payments`): on call now: <@{team['bob']}>" in said


async def test_a_plan_says_who_its_stages_would_page_now(
    stack: Stack, team: dict[str, str]
) -> None:
    schedule = daily_schedule(stack, "payments", ["bob", "alice"], hand_off_in=3600)
    stack.aws("ssm-contacts").create_contact(
        Alias="payments-escalation",
        DisplayName="Payments escalation",
        Type="ESCALATION",
        Plan={
            "Stages": [
                {
                    "DurationInMinutes": 5,
                    "Targets": [
                        {"ContactTargetInfo": {"ContactId": schedule, "IsEssential": True}}
                    ],
                },
                {
                    "DurationInMinutes": 10,
                    "Targets": [
                        {
                            "ContactTargetInfo": {
                                "ContactId": stack.emulator.contacts.contact_arn("carol"),
                                "IsEssential": False,
                            }
                        }
                    ],
                },
            ]
        },
    )
    said = await ask(stack, team["dana"], team["ops"], "payments-escalation")
    assert "would page now" in said
    assert f"stage 1 (5 min): `payments` → <@{team['bob']}>" in said
    assert f"stage 2 (10 min): <@{team['carol']}> (non-essential)" in said


async def test_an_unknown_schedule_is_answered_plainly(stack: Stack, team: dict[str, str]) -> None:
    said = await ask(stack, team["dana"], team["ops"], "nope")
    assert "No Incident Manager contact has the alias `nope`" in said
    said = await ask(stack, team["dana"], team["ops"], "alice")
    assert "is not an on-call schedule" in said
