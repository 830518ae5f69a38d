"""The incident timeline from Slack: notes, shortcuts, reactions, edits and deletes."""

from __future__ import annotations

import asyncio
import contextlib
import json
from datetime import UTC, datetime
from typing import Any

from bot.timeline import EVENT_DATA_LIMIT, SlackMessage, message_data
from tests.support import Stack, declare_incident, eventually, replies


def custom_events(stack: Stack, arn: str) -> list[dict[str, Any]]:
    return [
        e for e in stack.emulator.incidents.events[arn].values() if e["eventType"] == "Custom Event"
    ]


def texts(stack: Stack, arn: str) -> list[str]:
    return [json.loads(e["eventData"]) for e in custom_events(stack, arn)]


def test_long_messages_are_cut_with_a_marker() -> None:
    message = SlackMessage(
        "C1", "1700000000.000100", "Dana", "é" * 7000 + '"', "https://x.example.com/p1"
    )
    data = message_data(message)
    assert len(data) <= EVENT_DATA_LIMIT
    assert json.loads(data).endswith("… [cut]\nhttps://x.example.com/p1")


async def test_note_and_timeline(stack: Stack) -> None:
    declared = await declare_incident(stack)
    await stack.sender.slash_command(
        "/incident", "note Restarted the primary", declared.user, declared.channel
    )
    await eventually(lambda: "Dana: Restarted the primary" in texts(stack, declared.arn))
    await stack.sender.slash_command("/incident", "timeline 5", declared.user, declared.channel)
    shown = await eventually(
        lambda: [r for r in replies(stack, declared.user) if r.startswith("*Timeline of")]
    )
    lines = shown[0].splitlines()
    assert "Dana: Restarted the primary" in lines[1]  # newest first
    assert any("SSM Incident Trigger" in line for line in lines)
    for wrong in ("lots", "\u00b2", "\u2460"):  # ² and ① pass isdigit() and fail int()
        await stack.sender.slash_command(
            "/incident", f"timeline {wrong}", declared.user, declared.channel
        )
    refused = await eventually(
        lambda: [r for r in replies(stack, declared.user) if "takes a number from 1 to 50" in r][2:]
    )
    assert refused == [
        ":warning: `/incident timeline [N]` takes a number from 1 to 50; you sent `\u2460`."
    ]


async def test_a_missing_iam_permission_is_named_and_nothing_is_written(stack: Stack) -> None:
    declared = await declare_incident(stack)
    before = custom_events(stack, declared.arn)
    stack.emulator.faults.add(
        {"operation": "CreateTimelineEvent", "error": "AccessDeniedException"}
    )
    await stack.sender.slash_command(
        "/incident", "note Failing over", declared.user, declared.channel
    )
    said = await eventually(
        lambda: [r for r in replies(stack, declared.user) if "not allowed" in r]
    )
    assert said[0].startswith(
        ":warning: The bot is not allowed to call ssm-incidents:CreateTimelineEvent. Ask an AWS "
        "admin to add ssm-incidents:CreateTimelineEvent to the bot's IAM policy"
    )
    stack.emulator.faults.clear()
    assert custom_events(stack, declared.arn) == before


async def test_shortcut_on_a_thread_reply_uses_the_message_time(stack: Stack) -> None:
    declared = await declare_incident(stack)
    parent = stack.slack.user_posts(declared.channel, declared.user, "Looking at the DB")
    reply = stack.slack.user_posts(
        declared.channel, declared.user, "Replica lag is 40s", thread_ts=parent
    )
    await stack.sender.message_shortcut("add_to_timeline", declared.user, declared.channel, reply)
    await eventually(lambda: len(custom_events(stack, declared.arn)) == 2)
    event = custom_events(stack, declared.arn)[-1]
    assert event["eventTime"] == datetime.fromtimestamp(float(reply), UTC)
    text = json.loads(event["eventData"])
    assert text.startswith("Dana: Replica lag is 40s\nhttps://fake.slack.local/archives/")


async def test_pushpin_twice_adds_one_event_and_edits_follow(stack: Stack) -> None:
    declared = await declare_incident(stack)
    ts = stack.slack.user_posts(declared.channel, declared.user, "Deploy 1234 rolled back")
    await stack.sender.reaction_added(declared.user, declared.channel, ts, "pushpin")
    await stack.sender.reaction_added(declared.user, declared.channel, ts, "pushpin", retry_num=1)
    await eventually(lambda: any("Deploy 1234" in t for t in texts(stack, declared.arn)))
    await eventually(
        lambda: any("already on the timeline" in r for r in replies(stack, declared.user))
    )
    assert sum("Deploy 1234" in t for t in texts(stack, declared.arn)) == 1

    await stack.sender.message_changed(declared.channel, ts, "Deploy 1235 rolled back")
    await eventually(lambda: any("Deploy 1235" in t for t in texts(stack, declared.arn)))
    assert not any("Deploy 1234" in t for t in texts(stack, declared.arn))

    await stack.sender.event(
        {
            "type": "message",
            "subtype": "message_deleted",
            "channel": declared.channel,
            "deleted_ts": ts,
            "ts": "1.3",
            "event_ts": "1.3",
        }
    )
    await eventually(lambda: not any("Deploy" in t for t in texts(stack, declared.arn)))


async def test_other_reactions_and_channels_are_ignored(stack: Stack) -> None:
    declared = await declare_incident(stack)
    ts = stack.slack.user_posts(declared.channel, declared.user, "lunch?")
    await stack.sender.reaction_added(declared.user, declared.channel, ts, "tada")
    general = stack.slack.add_channel("general", members=[declared.user, "UBOT0INCIDENT"])
    other = stack.slack.user_posts(general, declared.user, "unrelated")
    response = await stack.sender.reaction_added(declared.user, general, other, "pushpin")
    assert response.status == 200
    await stack.sender.message_shortcut("add_to_timeline", declared.user, general, other)
    said = await eventually(
        lambda: [r for r in replies(stack, declared.user) if "not in an incident channel" in r]
    )
    assert said[0].startswith(":warning:")
    assert texts(stack, declared.arn) == ["Declared in Slack by Dana"]

    looked_up = len(stack.slack.calls)
    edited = {**stack.slack.message(general, other), "text": "unrelated, edited"}
    response = await stack.sender.event(
        {"type": "message", "subtype": "message_changed", "channel": general, "message": edited}
    )
    assert response.status == 200
    await asyncio.sleep(0.2)
    assert len(stack.slack.calls) == looked_up  # an edit off the timeline costs no Slack call


async def test_a_message_whose_creator_died_mid_call_is_put_on_the_timeline_once_by_the_sweep(
    stack: Stack,
) -> None:
    declared = await declare_incident(stack)
    ts = stack.slack.user_posts(declared.channel, declared.user, "Failover started")
    message = SlackMessage(declared.channel, ts, "Dana", "Failover started", "https://x/p1")
    timeline = stack.services.timeline
    stack.emulator.faults.add(
        {"operation": "CreateTimelineEvent", "delay_seconds": 1.5, "times": 1}
    )
    creator = asyncio.create_task(timeline.add_message(declared.arn, message))
    await eventually(lambda: not stack.emulator.faults.listing())  # the call is held in AWS
    creator.cancel()  # its process dies: the claim stays, with no event id
    with contextlib.suppress(asyncio.CancelledError):
        await creator
    await eventually(lambda: any("Failover started" in t for t in texts(stack, declared.arn)))
    # an edit made meanwhile waits on the claim, as it does while a creator runs
    await stack.sender.message_changed(declared.channel, ts, "Failover finished")
    await asyncio.sleep(0.5)
    assert await timeline.finish_claims() == 0  # a claim this young may still be running

    assert await timeline.finish_claims(older_than=0) == 1
    assert await timeline.finish_claims(older_than=0) == 0
    await eventually(lambda: any("Failover finished" in t for t in texts(stack, declared.arn)))
    assert sum("Failover" in t for t in texts(stack, declared.arn)) == 1
