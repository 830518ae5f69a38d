"""Every recorded message shape through every surface that reads a message: the timeline
shortcut, the pushpin (on thread replies too), Declare incident, Add links, edit and delete
sync; checked in Incident Manager and in what Slack shows."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from tests.shapes import READINGS, furnish, shape
from tests.support import (
    DECLARE_MODAL,
    PLAN_ARN,
    Declared,
    Stack,
    declare_form,
    declare_incident,
    declare_values,
    eventually,
    replies,
)

NAMES = sorted(READINGS)


def events(stack: Stack, arn: str) -> list[str]:
    """The timeline's message events, as Incident Manager holds them."""
    return [
        json.loads(e["eventData"])
        for e in stack.emulator.incidents.events[arn].values()
        if e["eventType"] == "Custom Event"
    ][1:]  # after "Declared in Slack by …"


def recorded(stack: Stack, declared: Declared, name: str, ts: str) -> str:
    """The event data a shape must become: author, readable text, and a link back."""
    ts_digits = ts.replace(".", "")
    link = f"https://fake.slack.local/archives/{declared.channel}/p{ts_digits}"
    reading = READINGS[name]
    return f"{reading.author}: {reading.text}\n{link}"


async def incident(stack: Stack) -> Declared:
    declared = await declare_incident(stack)
    furnish(stack.slack)
    return declared


async def on_timeline(stack: Stack, declared: Declared) -> None:
    """Until the person is told the message is on the timeline (the bot has done with it)."""
    await eventually(
        lambda: any("Added to the timeline" in r for r in replies(stack, declared.user))
    )


async def message_changed(stack: Stack, channel: str, message: dict[str, Any]) -> None:
    await stack.sender.event(
        {"type": "message", "subtype": "message_changed", "channel": channel, "message": message}
    )


@pytest.mark.parametrize("name", NAMES)
async def test_timeline_shortcut(stack: Stack, name: str) -> None:
    declared = await incident(stack)
    ts = stack.slack.post_shape(declared.channel, shape(name))
    await stack.sender.message_shortcut("add_to_timeline", declared.user, declared.channel, ts)
    await eventually(lambda: events(stack, declared.arn))
    assert events(stack, declared.arn) == [recorded(stack, declared, name, ts)]
    assert "B0" not in events(stack, declared.arn)[0].split(":")[0]  # never an app's id
    said = await eventually(lambda: [r for r in replies(stack, declared.user) if "pushpin" in r])
    assert said == [":pushpin: Added to the timeline of *Checkout errors*."]


@pytest.mark.parametrize("answer", ["thread", "message"])
@pytest.mark.parametrize("name", NAMES)
async def test_pushpin_on_a_thread_reply(stack: Stack, name: str, answer: str) -> None:
    declared = await incident(stack)
    stack.slack.replies_answer = answer
    parent = stack.slack.user_posts(declared.channel, declared.user, "Investigating")
    for _ in range(3):  # a busy thread: the reply is not the first after the parent
        stack.slack.user_posts(declared.channel, declared.user, "looking", thread_ts=parent)
    ts = stack.slack.post_shape(declared.channel, shape(name), thread_ts=parent)
    stack.slack.user_posts(declared.channel, declared.user, "later", thread_ts=parent)
    await stack.sender.reaction_added(declared.user, declared.channel, ts, "pushpin")
    await eventually(lambda: events(stack, declared.arn))
    assert events(stack, declared.arn) == [recorded(stack, declared, name, ts)]
    await eventually(
        lambda: (
            ":pushpin: Added to the timeline of *Checkout errors*." in replies(stack, declared.user)
        )
    )


async def test_a_pushpin_on_a_message_the_bot_cannot_read_is_answered(stack: Stack) -> None:
    declared = await incident(stack)
    ts = stack.slack.user_posts(declared.channel, declared.user, "gone in a moment")
    stack.slack.channel(declared.channel).messages.pop()  # deleted before the bot looks
    await stack.sender.event(
        {
            "type": "reaction_added",
            "user": declared.user,
            "reaction": "pushpin",
            "item": {"type": "message", "channel": declared.channel, "ts": ts},
            "event_ts": ts,
        }
    )
    said = await eventually(
        lambda: [r for r in replies(stack, declared.user) if "could not read" in r]
    )
    assert said[0].startswith(":warning: I could not read the message you reacted to")
    assert events(stack, declared.arn) == []


@pytest.mark.parametrize("name", NAMES)
async def test_declare_from_a_message(stack: Stack, name: str) -> None:
    user = stack.slack.add_user("lee")
    channel = stack.slack.add_channel("alerts", members=[user])
    furnish(stack.slack)
    ts = stack.slack.post_shape(channel, shape(name))
    await stack.sender.message_shortcut("declare_incident", user, channel, ts)
    view = (await eventually(lambda: stack.slack.modals(DECLARE_MODAL)))[-1]
    blocks = {block["block_id"]: block for block in view["blocks"]}
    reading = READINGS[name]
    title = blocks["title_block"]["element"]["initial_value"]
    summary = blocks["summary_block"]["element"]["initial_value"]
    link = f"https://fake.slack.local/archives/{channel}/p{ts.replace('.', '')}"
    assert title == reading.headline[:200]
    assert summary == f"{reading.text}\n\nFrom Slack: {link}"

    values = declare_values(title, 3, PLAN_ARN, summary=summary, channel=False)
    await stack.sender.view_submission(user, view["id"], values)
    records = await eventually(
        lambda: stack.aws().list_incident_records()["incidentRecordSummaries"]
    )

    def record() -> dict[str, Any]:
        return stack.aws().get_incident_record(arn=records[0]["arn"])["incidentRecord"]

    await eventually(lambda: record()["summary"] == summary)  # set just after the record
    assert record()["title"] == title
    assert "&lt;" not in record()["summary"] and "<@" not in record()["summary"]


@pytest.mark.parametrize("name", NAMES)
async def test_add_links(stack: Stack, name: str) -> None:
    declared = await incident(stack)
    ts = stack.slack.post_shape(declared.channel, shape(name))
    before = stack.aws().list_related_items(incidentRecordArn=declared.arn)["relatedItems"]
    await stack.sender.message_shortcut(
        "add_links_to_incident", declared.user, declared.channel, ts
    )
    links = READINGS[name].links
    if not links:
        said = await eventually(
            lambda: [r for r in replies(stack, declared.user) if "no links" in r]
        )
        assert said[0].startswith(":warning: That message has no links")
        return
    await eventually(lambda: any("link(s)" in r for r in replies(stack, declared.user)))
    after = stack.aws().list_related_items(incidentRecordArn=declared.arn)["relatedItems"]
    urls = {i["identifier"]["value"].get("url") for i in after} - {
        i["identifier"]["value"].get("url") for i in before
    }
    assert urls == set(links)
    assert f":link: Added {len(links)} link(s) to *Checkout errors*." in replies(
        stack, declared.user
    )


@pytest.mark.parametrize("name", NAMES)
async def test_an_edit_into_each_shape_follows(stack: Stack, name: str) -> None:
    declared = await incident(stack)
    ts = stack.slack.post_shape(declared.channel, shape(name))
    first = {**stack.slack.message(declared.channel, ts)}
    stack.slack.message(declared.channel, ts).update(
        {"text": "draft", "blocks": [], "attachments": [], "files": []}
    )
    await stack.sender.message_shortcut("add_to_timeline", declared.user, declared.channel, ts)
    await on_timeline(stack, declared)
    assert events(stack, declared.arn)[0].split("\n")[0].endswith(": draft")
    await message_changed(stack, declared.channel, {**first, "edited": {"ts": "1.1"}})
    await eventually(lambda: events(stack, declared.arn) == [recorded(stack, declared, name, ts)])


@pytest.mark.parametrize("name", NAMES)
async def test_deleting_each_shape_removes_its_event(stack: Stack, name: str) -> None:
    declared = await incident(stack)
    ts = stack.slack.post_shape(declared.channel, shape(name))
    await stack.sender.message_shortcut("add_to_timeline", declared.user, declared.channel, ts)
    await on_timeline(stack, declared)
    await stack.sender.event(
        {
            "type": "message",
            "subtype": "message_deleted",
            "channel": declared.channel,
            "deleted_ts": ts,
        }
    )
    await eventually(lambda: events(stack, declared.arn) == [])


@pytest.mark.parametrize("name", NAMES)
async def test_a_deleted_thread_parent_leaves_a_tombstone_and_no_event(
    stack: Stack, name: str
) -> None:
    declared = await incident(stack)
    parent = stack.slack.post_shape(declared.channel, shape(name))
    stack.slack.user_posts(declared.channel, declared.user, "on it", thread_ts=parent)
    await stack.sender.reaction_added(declared.user, declared.channel, parent, "pushpin")
    await on_timeline(stack, declared)
    assert len(events(stack, declared.arn)) == 1
    tombstone = stack.slack.tombstone(declared.channel, parent)
    await message_changed(stack, declared.channel, tombstone)
    await eventually(lambda: events(stack, declared.arn) == [])
    calls = len(stack.slack.calls)
    await message_changed(stack, declared.channel, tombstone)  # Slack may say it again
    await stack.sender.slash_command("/incident", "timeline 5", declared.user, declared.channel)
    shown = await eventually(
        lambda: [r for r in replies(stack, declared.user) if r.startswith("*Timeline of")]
    )
    assert "This message was deleted." not in shown[-1]
    assert len(stack.slack.calls) > calls


async def test_a_grid_users_note_is_named_and_readable_in_aws(stack: Stack) -> None:
    declared = await incident(stack)
    typed = "rollback &lt;done&gt; for <@U0RIVERA01|rivera> &amp; <https://x.example.com/a|the PR>"
    stack.slack.channels[declared.channel].members.add("W0GRID0SAM")  # a responder in the channel
    await stack.sender.slash_command("/incident", f"note {typed}", "W0GRID0SAM", declared.channel)
    await eventually(lambda: events(stack, declared.arn))
    assert events(stack, declared.arn) == [
        "Sam: rollback <done> for @rivera & the PR (https://x.example.com/a)"
    ]
    echo = await eventually(lambda: [r for r in replies(stack, "W0GRID0SAM") if ":memo:" in r])
    # Slack is shown what the timeline holds, escaped: data, never a live mention or link
    assert echo == [
        ":memo: Added to the timeline: rollback &lt;done&gt; for @rivera &amp; "
        "the PR (https://x.example.com/a)"
    ]


async def test_deselected_pickers_change_nothing(stack: Stack) -> None:
    declared = await incident(stack)
    items = stack.aws().list_related_items(incidentRecordArn=declared.arn)["relatedItems"]
    seen = len(stack.slack.calls)
    for action, block in (("incident_unlink", "actions"), ("incident_pick", "pick|impact 1")):
        answer = await stack.sender.block_action(
            declared.user,
            action,
            channel_id=declared.channel,
            message_ts=declared.card_ts,
            block_id=block,
            cleared=True,
        )
        assert answer.status == 200
    await asyncio.sleep(0.3)
    assert stack.aws().list_related_items(incidentRecordArn=declared.arn)["relatedItems"] == items
    record = stack.aws().get_incident_record(arn=declared.arn)["incidentRecord"]
    assert record["impact"] == 2
    assert stack.slack.calls[seen:] == []


async def test_a_declare_form_with_null_and_missing_values_is_read(stack: Stack) -> None:
    user = stack.slack.add_user("lee")
    channel = stack.slack.add_channel("alerts", members=[user])
    view = await declare_form(stack, user, channel, "Disk full")
    values = declare_values("Disk full", 4, PLAN_ARN)
    values["summary_block"]["summary"]["value"] = None
    values["channel_block"]["create_channel"] = {"type": "checkboxes"}  # no selected_options
    answer = await stack.sender.view_submission(user, view["id"], values)
    assert answer.status == 200
    await eventually(
        lambda: any(
            "Declared *Disk full*" in e.get("text", "") for e in stack.slack.ephemerals_for(user)
        )
    )
    records = stack.aws().list_incident_records()["incidentRecordSummaries"]
    record = stack.aws().get_incident_record(arn=records[0]["arn"])["incidentRecord"]
    assert record["title"] == "Disk full"  # the summary stays the response plan's
    assert stack.slack.calls_to("conversations.create") == []
