"""``/incident me`` (issue 10): your channels with their activation, your paging plan edited
with UpdateContact (checked inline), and a channel activated with the code AWS sent."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import Stack, eventually, new_modal, replies
from tests.test_plans import update_calls

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


async def test_activate_a_channel_with_a_wrong_then_the_right_code(
    stack: Stack, alice: dict
) -> None:
    contacts = stack.aws("ssm-contacts")
    voice = contacts.create_contact_channel(
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
    sent = [m for m in stack.emulator.outbox() if m.get("contact_channel_arn") == voice]
    code = sent[-1]["activation_code"]
    wrong = "000000" if code != "000000" else "111111"

    def typed(value: str) -> dict[str, Any]:
        return {"me_code": {"me_code": {"type": "plain_text_input", "value": value}}}

    refused = await stack.sender.view_submission(user, view["id"], typed(wrong))
    assert refused.json()["errors"] == {
        "me_code": "That code is not the one AWS sent to +15555550199: check the latest "
        "message and try again."
    }
    status = contacts.get_contact_channel(ContactChannelId=voice)["ActivationStatus"]
    assert status == "NOT_ACTIVATED"

    accepted = await stack.sender.view_submission(user, view["id"], typed(code))
    assert accepted.status == 200 and not accepted.body
    assert contacts.get_contact_channel(ContactChannelId=voice)["ActivationStatus"] == "ACTIVATED"
    said = await eventually(lambda: [t for t in replies(stack, user) if "is activated" in t])
    assert "VOICE `+15555550199` is activated" in said[0]
