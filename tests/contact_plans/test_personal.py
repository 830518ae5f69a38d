"""``/incident me`` (issue 10): your channels with their activation, your paging plan edited
with UpdateContact (checked inline), and a channel activated with the code AWS sent."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.contact_plans.test_escalation import update_calls
from tests.support import Stack, eventually, new_modal, replies

ALICE = "arn:aws:ssm-contacts:us-east-1:111122223333:contact/alice"


@pytest.fixture
async def alice(stack: Stack) -> dict[str, str]:
    """Alice, linked to her contact, in #ops; her contact's channels by type."""
    user = stack.slack.add_user("alice", email="alice@example.com")
    await stack.services.people.link(user, "alice", admin="a test")
    found = stack.aws("ssm-contacts").list_contact_channels(ContactId=ALICE)["ContactChannels"]
    return {
        "user": user,
        "ops": stack.slack.add_channel("ops", members=[user]),
        **{c["Type"]: c["ContactChannelArn"] for c in found},
    }


def shown(stack: Stack) -> list[dict[str, Any]]:
    """The blocks of the last ``/incident me`` answer."""
    answers = [c.args for c in stack.slack.calls_to("response_url") if c.args.get("blocks")]
    return answers[-1]["blocks"] if answers else []


def text_of(blocks: list[dict[str, Any]]) -> str:
    return "\n".join((b.get("text") or {}).get("text", "") for b in blocks)


async def test_me_shows_channels_and_the_engagement_plan(stack: Stack, alice: dict) -> None:
    await stack.sender.slash_command("/incident", "me", alice["user"], alice["ops"])
    blocks = await eventually(lambda: shown(stack))
    text = text_of(blocks)
    assert "*Your contact `alice`* (Alice Archer)" in text
    assert "EMAIL `alice@example.com` — :white_check_mark: activated" in text
    assert "• at 0 min: EMAIL `alice@example.com` (retry every 2 min)" in text
    assert "• at 5 min: SMS `+15555550101`" in text


async def test_someone_unlinked_is_told_how_to_link(stack: Stack) -> None:
    user = stack.slack.add_user("nobody")
    channel = stack.slack.add_channel("ops", members=[user])
    await stack.sender.slash_command("/incident", "me", user, channel)
    said = await eventually(lambda: replies(stack, user))
    assert "`/incident link-me <contact-alias>`" in said[0]


def rows(values: list[tuple[list[str], str, str]]) -> dict[str, Any]:
    state: dict[str, Any] = {}
    for index, (channels, minutes, retry) in enumerate(values):
        state[f"channels:{index}"] = {
            "me_channels": {
                "type": "checkboxes",
                "selected_options": [{"value": c} for c in channels],
            }
        }
        state[f"minutes:{index}"] = {"me_minutes": {"type": "plain_text_input", "value": minutes}}
        state[f"retry:{index}"] = {"me_retry": {"type": "plain_text_input", "value": retry}}
    return state


async def test_edit_my_paging_plan(stack: Stack, alice: dict) -> None:
    calls = update_calls(stack.emulator)
    user = alice["user"]
    view = await new_modal(
        stack.slack,
        "me_plan_modal",
        lambda: stack.sender.block_action(user, "me_edit", "edit", channel_id=alice["ops"]),
    )
    email, sms = alice["EMAIL"], alice["SMS"]

    refused = await stack.sender.view_submission(
        user, view["id"], rows([([email], "31", "2"), ([sms], "0", "61"), ([], "", "")])
    )
    assert refused.json() == {
        "response_action": "errors",
        "errors": {
            "minutes:0": "AWS accepts 0 to 30 minutes, not 31.",
            "retry:1": "AWS accepts 0 to 60 minutes between retries, not 61.",
        },
    }
    superscript = await stack.sender.view_submission(  # ² and ①: isdigit() says yes, int() no
        user, view["id"], rows([([email], "\u00b2", "2"), ([sms], "0", "\u2460"), ([], "", "")])
    )
    assert superscript.status == 200
    assert superscript.json() == {
        "response_action": "errors",
        "errors": {
            "minutes:0": "Give a whole number of minutes from 0 to 30.",
            "retry:1": "Give a whole number of minutes between retries from 0 to 60.",
        },
    }
    assert calls[ALICE] == 0

    await stack.sender.view_submission(
        user, view["id"], rows([([sms], "3", "5"), ([email], "0", ""), ([], "", "")])
    )
    expected = [
        {
            "DurationInMinutes": 3,
            "Targets": [
                {"ChannelTargetInfo": {"ContactChannelId": sms, "RetryIntervalInMinutes": 5}}
            ],
        },
        {
            "DurationInMinutes": 0,
            "Targets": [{"ChannelTargetInfo": {"ContactChannelId": email}}],
        },
    ]
    contacts = stack.aws("ssm-contacts")
    await eventually(lambda: contacts.get_contact(ContactId=ALICE)["Plan"]["Stages"] == expected)
    said = await eventually(lambda: [t for t in replies(stack, user) if "Saved your" in t])
    assert "• at 0 min: SMS `+15555550101` (retry every 5 min)" in said[0]
    assert "• at 3 min: EMAIL `alice@example.com`" in said[0]


async def my_plan_form(stack: Stack, alice: dict) -> dict[str, Any]:
    return await new_modal(
        stack.slack,
        "me_plan_modal",
        lambda: stack.sender.block_action(
            alice["user"], "me_edit", "edit", channel_id=alice["ops"]
        ),
    )


async def test_another_persons_channel_in_my_plan_is_refused(stack: Stack, alice: dict) -> None:
    """Bob's SMS channel in Alice's checkbox values: the form never offered it."""
    calls = update_calls(stack.emulator)
    contacts = stack.aws("ssm-contacts")
    bobs = contacts.list_contact_channels(
        ContactId="arn:aws:ssm-contacts:us-east-1:111122223333:contact/bob"
    )["ContactChannels"][0]["ContactChannelArn"]
    view = await my_plan_form(stack, alice)
    answer = await stack.sender.view_submission(
        alice["user"], view["id"], rows([([bobs], "0", ""), ([], "", "")])
    )
    body = answer.json()
    assert body["response_action"] == "update"
    assert "That form carries a choice the form did not offer." in text_of(body["view"]["blocks"])
    assert calls[ALICE] == 0
    assert not [c for c in stack.slack.calls if c.method == "chat.postMessage"]


async def test_my_plan_saved_but_not_read_back_is_said(stack: Stack, alice: dict) -> None:
    view = await my_plan_form(stack, alice)
    faults = stack.emulator.faults
    faults.add({"operation": "UpdateContact", "delay_seconds": 1, "times": 1})
    await stack.sender.view_submission(
        alice["user"], view["id"], rows([([alice["SMS"]], "4", ""), ([], "", "")])
    )
    await eventually(lambda: not faults.listing())  # UpdateContact arrived and is held
    faults.add(
        {"operation": "GetContact", "error": "ThrottlingException", "when": {"ContactId": ALICE}}
    )
    said = await eventually(
        lambda: [t for t in replies(stack, alice["user"]) if "Saved your" in t], 60
    )
    assert said[0].startswith(
        ":white_check_mark: Saved your paging plan — but I could not read it back from AWS (AWS "
        "is throttling requests), so this is what was sent"
    )
    assert "• at 0 min: SMS `+15555550101`" in said[0]
    faults.clear()
    stages = stack.aws("ssm-contacts").get_contact(ContactId=ALICE)["Plan"]["Stages"]
    assert stages[0]["DurationInMinutes"] == 4


async def voice_form(stack: Stack, alice: dict) -> tuple[str, dict[str, Any]]:
    """A VOICE channel not activated yet, and the code form its **Activate** opened."""
    voice = stack.aws("ssm-contacts").create_contact_channel(
        ContactId=ALICE,
        Name="alice-phone",
        Type="VOICE",
        DeliveryAddress={"SimpleAddress": "+15555550199"},
        DeferActivation=True,
    )["ContactChannelArn"]
    user = alice["user"]
    await stack.sender.slash_command("/incident", "me", user, alice["ops"])
    blocks = await eventually(lambda: shown(stack))
    assert "VOICE `+15555550199` — :x: not activated" in text_of(blocks)
    view = await new_modal(
        stack.slack,
        "me_code_modal",
        lambda: stack.sender.block_action(user, "me_activate", voice, channel_id=alice["ops"]),
    )
    return voice, view


def typed(value: str) -> dict[str, Any]:
    return {"me_code": {"me_code": {"type": "plain_text_input", "value": value}}}


def sent_code(stack: Stack, voice: str) -> str:
    sent = [m for m in stack.emulator.outbox() if m.get("contact_channel_arn") == voice]
    return str(sent[-1]["activation_code"])


async def form_says(stack: Stack, view_id: str, words: str) -> str:
    """The modal's text once it says ``words`` (the verdict comes after the ack)."""
    said = await eventually(
        lambda: [t for t in [text_of(stack.slack.views[view_id]["blocks"])] if words in t]
    )
    return said[0]


async def test_activate_a_channel_with_a_wrong_then_the_right_code(
    stack: Stack, alice: dict
) -> None:
    contacts = stack.aws("ssm-contacts")
    voice, view = await voice_form(stack, alice)
    code = sent_code(stack, voice)
    wrong = "000000" if code != "000000" else "111111"

    badly_typed = await stack.sender.view_submission(alice["user"], view["id"], typed("12ab"))
    assert badly_typed.json() == {
        "response_action": "errors",
        "errors": {"me_code": "The code is 6 to 10 digits, as AWS sent it."},
    }

    refused = await stack.sender.view_submission(alice["user"], view["id"], typed(wrong))
    assert refused.json()["response_action"] == "update"  # acknowledged before AWS answers
    assert "Checking with AWS" in text_of(refused.json()["view"]["blocks"])
    said = await form_says(stack, view["id"], "not the one")
    assert (
        ":warning: That code is not the one AWS sent to +15555550199 (4 tries left): check the "
        "latest message and try again." in said
    )
    assert stack.slack.views[view["id"]]["callback_id"] == "me_code_modal"  # to type it again
    status = contacts.get_contact_channel(ContactChannelId=voice)["ActivationStatus"]
    assert status == "NOT_ACTIVATED"

    accepted = await stack.sender.view_submission(alice["user"], view["id"], typed(code))
    assert accepted.json()["response_action"] == "update"
    said = await form_says(stack, view["id"], "is activated")
    assert ":white_check_mark: VOICE `+15555550199` is activated" in said
    assert contacts.get_contact_channel(ContactChannelId=voice)["ActivationStatus"] == "ACTIVATED"


async def test_the_code_form_is_acknowledged_while_aws_is_slow(stack: Stack, alice: dict) -> None:
    voice, view = await voice_form(stack, alice)
    stack.emulator.faults.add(
        {"operation": "ActivateContactChannel", "delay_seconds": 4, "times": 1}
    )
    started = time.monotonic()
    answer = await stack.sender.view_submission(
        alice["user"], view["id"], typed(sent_code(stack, voice))
    )
    assert time.monotonic() - started < 2.5  # Slack waits 3 s for the ack
    assert "Checking with AWS" in text_of(answer.json()["view"]["blocks"])
    await form_says(stack, view["id"], "is activated")


async def test_five_wrong_codes_lock_the_channel(stack: Stack, alice: dict) -> None:
    contacts = stack.aws("ssm-contacts")
    voice, view = await voice_form(stack, alice)
    code = sent_code(stack, voice)
    wrong = "000000" if code != "000000" else "111111"
    for left in range(4, -1, -1):
        await stack.sender.view_submission(alice["user"], view["id"], typed(wrong))
        await form_says(stack, view["id"], f"({left} tries left)")
    await stack.sender.view_submission(alice["user"], view["id"], typed(code))  # right, too late
    said = await form_says(stack, view["id"], "Too many wrong codes")
    assert "press **Activate** again for a new code" in said
    assert contacts.get_contact_channel(ContactChannelId=voice)["ActivationStatus"] == (
        "NOT_ACTIVATED"
    )
    # a new code does not lift the lock
    view = await new_modal(
        stack.slack,
        "me_code_modal",
        lambda: stack.sender.block_action(
            alice["user"], "me_activate", voice, channel_id=alice["ops"]
        ),
    )
    await stack.sender.view_submission(alice["user"], view["id"], typed(sent_code(stack, voice)))
    await form_says(stack, view["id"], "Too many wrong codes")
    assert contacts.get_contact_channel(ContactChannelId=voice)["ActivationStatus"] == (
        "NOT_ACTIVATED"
    )
