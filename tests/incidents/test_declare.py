"""Declaring an incident from Slack, read back from Slack and from Incident Manager."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support import DECLARE_MODAL, Stack, declare_form, declare_values, eventually

PLAN = "arn:aws:ssm-incidents::111122223333:response-plan/critical-service"


@pytest.fixture
def bot_settings() -> dict[str, Any]:
    return {"default_response_plan": "critical-service", "announce_channel": "CANNOUNCE0"}


@pytest.fixture
def people(stack: Stack) -> tuple[str, str]:
    user = stack.slack.add_user("dana", email="dana@example.com")
    channel = stack.slack.add_channel("ops", members=[user])
    stack.slack.channels["CANNOUNCE0"] = stack.slack.channels.pop(
        stack.slack.add_channel("incidents", members=["UBOT0INCIDENT"])
    )
    stack.slack.channels["CANNOUNCE0"].id = "CANNOUNCE0"
    return user, channel


def card_fields(card: dict[str, Any]) -> list[str]:
    return [field["text"] for block in card["blocks"] for field in block.get("fields", [])]


async def open_declare(stack: Stack, user: str, channel: str, title: str) -> dict[str, Any]:
    return await declare_form(stack, user, channel, title)


async def test_declare_opens_a_prefilled_modal(stack: Stack, people: tuple[str, str]) -> None:
    view = await open_declare(stack, *people, "Checkout errors")
    blocks = {block["block_id"]: block for block in view["blocks"]}
    assert blocks["title_block"]["element"]["initial_value"] == "Checkout errors"
    assert blocks["plan_block"]["element"]["initial_option"]["value"] == PLAN
    assert [o["value"] for o in blocks["impact_block"]["element"]["options"]] == list("12345")
    assert blocks["channel_block"]["element"]["initial_options"][0]["value"] == "yes"


async def test_submitting_declares_everywhere(stack: Stack, people: tuple[str, str]) -> None:
    user, channel = people
    view = await open_declare(stack, user, channel, "Checkout errors")
    response = await stack.sender.view_submission(
        user, view["id"], declare_values("Checkout errors", 2, PLAN, "Card payments fail")
    )
    assert response.status == 200

    today = datetime.now(UTC).date().isoformat()
    incident_channel = await eventually(
        lambda: stack.slack.channel_by_name(f"inc-{today}-checkout-errors")
    )
    await eventually(lambda: user in incident_channel.members)
    pinned = await eventually(lambda: stack.slack.pins(incident_channel.id))
    card = stack.slack.message(incident_channel.id, pinned[0])
    assert card["blocks"][0]["text"]["text"] == "Checkout errors"
    await eventually(
        lambda: (
            "*Related items*\n1" in card_fields(stack.slack.message(incident_channel.id, pinned[0]))
        )
    )

    announced = await eventually(lambda: stack.slack.messages("CANNOUNCE0"))
    assert "Checkout errors" in announced[0]["text"]
    assert incident_channel.id in announced[0]["text"]

    aws = stack.aws()
    [summary] = aws.list_incident_records()["incidentRecordSummaries"]
    record = aws.get_incident_record(arn=summary["arn"])["incidentRecord"]
    assert (record["title"], record["impact"], record["summary"]) == (
        "Checkout errors",
        2,
        "Card payments fail",
    )
    items = aws.list_related_items(incidentRecordArn=summary["arn"])["relatedItems"]
    assert items[0]["identifier"]["value"]["url"].endswith(incident_channel.id)
    events = aws.list_timeline_events(incidentRecordArn=summary["arn"])["eventSummaries"]
    notes = [
        json.loads(
            aws.get_timeline_event(incidentRecordArn=summary["arn"], eventId=e["eventId"])["event"][
                "eventData"
            ]
        )
        for e in events
        if e["eventType"] == "Custom Event"
    ]
    assert notes == ["Declared in Slack by Dana"]


async def test_a_double_submit_declares_once(stack: Stack, people: tuple[str, str]) -> None:
    user, channel = people
    view = await open_declare(stack, user, channel, "Twice")
    values = declare_values("Twice", 3, PLAN)
    await stack.sender.view_submission(user, view["id"], values)
    await stack.sender.view_submission(user, view["id"], values)
    await eventually(lambda: stack.slack.calls_to("pins.add"))
    await eventually(lambda: len(stack.slack.messages("CANNOUNCE0")) >= 1)
    assert len(stack.aws().list_incident_records()["incidentRecordSummaries"]) == 1
    assert len(stack.slack.calls_to("conversations.create")) == 1
    assert len(stack.slack.messages("CANNOUNCE0")) == 1


async def test_bad_modal_input_is_refused_inline(stack: Stack, people: tuple[str, str]) -> None:
    user, channel = people
    view = await open_declare(stack, user, channel, "x")
    response = await stack.sender.view_submission(
        user, view["id"], declare_values("t" * 201, 2, PLAN, "s" * 8001)
    )
    answer = response.json()
    assert answer["response_action"] == "errors"
    assert "at most 200" in answer["errors"]["title_block"]
    assert "at most 8,000" in answer["errors"]["summary_block"]

    unchosen = declare_values("Fine title", 2, PLAN)
    for block, action in (("impact_block", "impact"), ("plan_block", "response_plan")):
        unchosen[block][action]["selected_option"] = None  # as Slack sends an empty select
    answer = (await stack.sender.view_submission(user, view["id"], unchosen)).json()
    assert answer["response_action"] == "errors"
    assert answer["errors"]["impact_block"].startswith("Impact must be a number from 1 to 5")
    assert answer["errors"]["plan_block"] == "Choose a response plan."
    assert stack.aws().list_incident_records()["incidentRecordSummaries"] == []


async def test_declare_from_a_message(stack: Stack, people: tuple[str, str]) -> None:
    user, channel = people
    ts = stack.slack.user_posts(channel, user, "API latency is through the roof")
    await stack.sender.message_shortcut("declare_incident", user, channel, ts)
    view = (await eventually(lambda: stack.slack.modals(DECLARE_MODAL)))[-1]
    blocks = {block["block_id"]: block for block in view["blocks"]}
    assert blocks["title_block"]["element"]["initial_value"] == "API latency is through the roof"
    summary = blocks["summary_block"]["element"]["initial_value"]
    assert "From Slack: https://fake.slack.local/archives/" in summary


async def test_without_a_channel_no_channel_is_made(stack: Stack, people: tuple[str, str]) -> None:
    user, channel = people
    view = await open_declare(stack, user, channel, "Quiet")
    await stack.sender.view_submission(
        user, view["id"], declare_values("Quiet", 4, PLAN, channel=False)
    )
    ephemeral = await eventually(lambda: stack.slack.ephemerals_for(user))
    assert "Declared *Quiet*" in ephemeral[-1]["text"]
    assert stack.slack.calls_to("conversations.create") == []


async def test_channel_names_follow_slacks_rules_and_never_collide(
    stack: Stack, people: tuple[str, str]
) -> None:
    user, channel = people
    titles = [
        "Checkout errors",
        "Checkout errors",
        "Ça coûte: 50% 5xx — EU/Paris!",
        "🔥🔥",
        "x" * 150,
    ]
    for declared, title in enumerate(titles, 1):
        view = await open_declare(stack, user, channel, title)
        await stack.sender.view_submission(user, view["id"], declare_values(title, 3, PLAN))
        await eventually(lambda n=declared: len(stack.slack.calls_to("pins.add")) == n)

    day = datetime.now(UTC).date().isoformat()
    made = [
        call.response["channel"]["name"]
        for call in stack.slack.calls_to("conversations.create")
        if call.response["ok"]  # the second "Checkout errors" was refused name_taken first
    ]
    assert made[:4] == [
        f"inc-{day}-checkout-errors",
        f"inc-{day}-checkout-errors-2",
        f"inc-{day}-ca-coute-50-5xx-eu-paris",
        f"inc-{day}-incident",
    ]
    assert made[4] == f"inc-{day}-" + "x" * (77 - len(f"inc-{day}-"))
    assert all(len(name) <= 80 for name in made)
    assert len(stack.aws().list_incident_records()["incidentRecordSummaries"]) == 5


async def test_a_rate_limited_slack_is_waited_out_and_nothing_is_lost(
    stack: Stack, people: tuple[str, str]
) -> None:
    user, channel = people
    view = await open_declare(stack, user, channel, "Slow Slack")
    stack.slack.rate_limit("chat.postMessage", times=2)
    await stack.sender.view_submission(user, view["id"], declare_values("Slow Slack", 3, PLAN))

    pinned = await eventually(lambda: stack.slack.calls_to("pins.add"), timeout=15)
    incident_channel = pinned[0].args["channel"]
    card = stack.slack.message(incident_channel, pinned[0].args["timestamp"])
    assert card["blocks"][0]["text"]["text"] == "Slow Slack"
    await eventually(lambda: stack.slack.messages("CANNOUNCE0"), timeout=15)
    posts = [call.response.get("error", "ok") for call in stack.slack.calls_to("chat.postMessage")]
    assert posts[:2] == ["ratelimited", "ratelimited"]
    assert len(stack.slack.messages(incident_channel)) == 1  # the card, posted once
    assert len(stack.slack.messages("CANNOUNCE0")) == 1


async def test_a_slow_aws_still_gets_the_form_open_in_time(
    stack: Stack, people: tuple[str, str]
) -> None:
    user, channel = people
    stack.emulator.faults.add({"operation": "ListResponsePlans", "delay_seconds": 4, "times": 1})
    await stack.sender.slash_command("/incident", "declare Slow AWS", user, channel)

    [opened] = await eventually(stack.slack.views_opened)  # within the trigger's 3 seconds
    assert opened["callback_id"] == "incident_message_modal"
    assert "Asking Incident Manager" in opened["blocks"][0]["text"]["text"]
    [form] = await eventually(lambda: stack.slack.modals(DECLARE_MODAL), timeout=10)
    assert form["id"] == opened["id"]  # the same modal, filled in
    title = next(b for b in form["blocks"] if b["block_id"] == "title_block")
    assert title["element"]["initial_value"] == "Slow AWS"


async def test_an_aws_error_while_the_form_loads_is_shown_in_it(
    stack: Stack, people: tuple[str, str]
) -> None:
    user, channel = people
    stack.emulator.faults.add(
        {"operation": "ListResponsePlans", "error": "AccessDeniedException", "times": 1}
    )
    await stack.sender.slash_command("/incident", "declare Denied", user, channel)
    said = await eventually(
        lambda: [
            v["blocks"][0]["text"]["text"]
            for v in stack.slack.views_opened()
            if "ssm-incidents:ListResponsePlans" in str(v["blocks"])
        ]
    )
    assert said[0].startswith(":warning:")
    assert stack.slack.modals(DECLARE_MODAL) == []
    assert stack.aws().list_incident_records()["incidentRecordSummaries"] == []
