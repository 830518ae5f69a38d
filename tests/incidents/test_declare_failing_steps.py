"""A declaration whose later steps are refused or fail: the declarer is told what exists and
what is missing, AWS holds one incident, and the sweep finishes what can be finished."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support import (
    PLAN_ARN,
    Stack,
    declare_form,
    declare_values,
    eventually,
)

ANNOUNCE = "CANNOUNCE0"


@pytest.fixture
def bot_settings() -> dict[str, Any]:
    return {"default_response_plan": "critical-service", "announce_channel": ANNOUNCE}


@pytest.fixture
def people(stack: Stack) -> tuple[str, str]:
    user = stack.slack.add_user("dana", email="dana@example.com")
    channel = stack.slack.add_channel("ops", members=[user])
    announce = stack.slack.add_channel("incidents", members=["UBOT0INCIDENT"])
    stack.slack.channels[ANNOUNCE] = stack.slack.channels.pop(announce)
    stack.slack.channels[ANNOUNCE].id = ANNOUNCE
    return user, channel


async def declare(stack: Stack, user: str, channel: str, title: str) -> str:
    """Submit the declare form; the declarer's first answer."""
    view = await declare_form(stack, user, channel, title)
    await stack.sender.view_submission(
        user, view["id"], declare_values(title, 2, PLAN_ARN, "Card payments fail")
    )
    [said] = await eventually(lambda: told(stack, user), timeout=15)
    return said


def told(stack: Stack, user: str) -> list[str]:
    return [e["text"] for e in stack.slack.ephemerals_for(user) if "Declared" in e["text"]]


def the_incident(stack: Stack) -> str:
    [summary] = stack.aws().list_incident_records()["incidentRecordSummaries"]
    return summary["arn"]


def notes(stack: Stack, arn: str) -> list[str]:
    aws = stack.aws()
    return [
        json.loads(
            aws.get_timeline_event(incidentRecordArn=arn, eventId=e["eventId"])["event"][
                "eventData"
            ]
        )
        for e in aws.list_timeline_events(incidentRecordArn=arn)["eventSummaries"]
        if e["eventType"] == "Custom Event"
    ]


def related_urls(stack: Stack, arn: str) -> list[str]:
    items = stack.aws().list_related_items(incidentRecordArn=arn)["relatedItems"]
    return [item["identifier"]["value"]["url"] for item in items]


async def test_a_refused_timeline_note_is_named_and_the_rest_is_done(
    stack: Stack, people: tuple[str, str]
) -> None:
    user, channel = people
    stack.emulator.faults.add(
        {"operation": "CreateTimelineEvent", "error": "AccessDeniedException"}
    )
    said = await declare(stack, user, channel, "Checkout errors")

    arn = the_incident(stack)
    incident_id = arn.rsplit("/", 1)[-1]
    [created] = [c for c in stack.slack.calls_to("conversations.create") if c.response["ok"]]
    channel_id = created.response["channel"]["id"]
    assert said.startswith(":warning: Declared *Checkout errors*")
    assert f"<#{channel_id}>" in said and f"`{incident_id}`" in said
    assert "open in AWS Incident Manager" in said
    assert (
        "the timeline note failed: The bot is not allowed to call "
        "ssm-incidents:CreateTimelineEvent" in said
    )
    assert "not declared" not in said and "othing" not in said
    assert stack.slack.pins(channel_id)
    assert related_urls(stack, arn) == [f"https://slack.com/app_redirect?channel={channel_id}"]
    assert len(stack.slack.messages(ANNOUNCE)) == 1

    stack.emulator.faults.clear()
    await stack.services.background.audit()  # a permission refused is not retried for ever
    assert notes(stack, arn) == []
    assert len(told(stack, user)) == 1


async def test_a_channel_slack_refuses_is_named_and_the_rest_is_done(
    stack: Stack, people: tuple[str, str]
) -> None:
    user, channel = people
    stack.slack.refuse("conversations.create", "missing_scope")
    said = await declare(stack, user, channel, "No channel")

    arn = the_incident(stack)
    assert said.startswith(":warning: Declared *No channel* (id")
    assert "the incident channel failed: Slack said missing_scope" in said
    assert "card" not in said  # what needed the channel is told by the channel's failure
    assert related_urls(stack, arn) == []
    assert notes(stack, arn) == ["Declared in Slack by Dana"]
    [announcement] = stack.slack.messages(ANNOUNCE)
    assert "No channel" in announcement["text"] and "join" not in announcement["text"]


async def test_a_failing_step_is_finished_by_the_sweep_and_the_declarer_told(
    stack: Stack, people: tuple[str, str]
) -> None:
    user, channel = people
    stack.emulator.faults.add(
        {"operation": "UpdateRelatedItems", "error": "InternalServerException"}
    )
    said = await declare(stack, user, channel, "Flaky AWS")

    arn = the_incident(stack)
    assert said.startswith(":warning: Declared *Flaky AWS*")
    assert "the channel as a related item is not done yet" in said
    assert "the bot will retry" in said
    assert related_urls(stack, arn) == []
    assert notes(stack, arn) == ["Declared in Slack by Dana"]

    stack.emulator.faults.clear()
    await stack.services.background.audit()

    later = await eventually(lambda: told(stack, user)[1:])
    assert later[0].startswith(":rotating_light: Declared *Flaky AWS*")
    assert "Finished after an interruption: the channel as a related item." in later[0]
    assert len(related_urls(stack, arn)) == 1
    assert len(stack.aws().list_incident_records()["incidentRecordSummaries"]) == 1
    await stack.services.background.audit()  # settled: nothing more is done or said
    assert len(told(stack, user)) == 2
    assert len(related_urls(stack, arn)) == 1


async def test_a_refused_pin_is_named(stack: Stack, people: tuple[str, str]) -> None:
    user, channel = people
    stack.slack.refuse("pins.add", "missing_scope")
    said = await declare(stack, user, channel, "Unpinned")
    assert "the card's pin failed: Slack said missing_scope" in said
    assert len(the_incident(stack)) > 0


async def test_a_redelivered_form_finishes_what_is_pending_and_declares_once(
    stack: Stack, people: tuple[str, str]
) -> None:
    user, channel = people
    stack.emulator.faults.add(
        {"operation": "UpdateRelatedItems", "error": "InternalServerException"}
    )
    view = await declare_form(stack, user, channel, "Twice over")
    values = declare_values("Twice over", 2, PLAN_ARN)
    await stack.sender.view_submission(user, view["id"], values)
    await eventually(lambda: told(stack, user))
    stack.emulator.faults.clear()

    await stack.sender.view_submission(user, view["id"], values)  # Slack delivers it again
    again = await eventually(lambda: told(stack, user)[1:])
    assert again[0].startswith(":rotating_light: Declared *Twice over*")
    arn = the_incident(stack)  # one incident
    assert len(related_urls(stack, arn)) == 1
    assert len([c for c in stack.slack.calls_to("conversations.create") if c.response["ok"]]) == 1


async def test_a_refused_start_declares_nothing_and_is_not_retried(
    stack: Stack, people: tuple[str, str]
) -> None:
    user, channel = people
    stack.emulator.faults.add({"operation": "StartIncident", "error": "AccessDeniedException"})
    view = await declare_form(stack, user, channel, "Denied")
    await stack.sender.view_submission(user, view["id"], declare_values("Denied", 2, PLAN_ARN))
    [said] = await eventually(
        lambda: [e["text"] for e in stack.slack.ephemerals_for(user) if "not declared" in e["text"]]
    )
    assert "ssm-incidents:StartIncident" in said
    stack.emulator.faults.clear()
    await stack.services.background.audit()
    assert stack.aws().list_incident_records()["incidentRecordSummaries"] == []
    assert stack.slack.calls_to("conversations.create") == []
