"""Every effect once: two presses of Resolve resolve once, a redelivered request confirms once,
timeline edits and deletes racing their event are not lost, and text typed after a command is
written to AWS readable (issue 8, section 4; issue 14)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import text

from tests.support import (
    PLAN_ARN,
    Declared,
    Stack,
    declare_form,
    declare_incident,
    declare_values,
    eventually,
    replies,
)


def counting(stack: Stack, operation: str) -> Counter[str]:
    """Count the calls of an ssm-incidents operation the emulator answers."""
    calls: Counter[str] = Counter()
    original = getattr(stack.emulator.incidents, operation)

    def counted(params: dict[str, Any]) -> Any:
        calls[operation] += 1
        return original(params)

    setattr(stack.emulator.incidents, operation, counted)
    return calls


def status(stack: Stack, arn: str) -> str:
    return stack.aws().get_incident_record(arn=arn)["incidentRecord"]["status"]


def said_in_channel(stack: Stack, declared: Declared, words: str) -> list[str]:
    """The incident channel's messages (in-channel answers included) saying ``words``."""
    return [
        m.get("text", "")
        for m in stack.slack.messages(declared.channel)
        if words in m.get("text", "")
    ]


def texts(stack: Stack, arn: str) -> list[str]:
    return [
        json.loads(e["eventData"])
        for e in stack.emulator.incidents.events[arn].values()
        if e["eventType"] == "Custom Event"
    ]


async def press(stack: Stack, user: str, declared: Declared, action: str) -> None:
    await stack.sender.block_action(
        user, action, declared.arn, channel_id=declared.channel, message_ts=declared.card_ts
    )


async def test_two_people_pressing_resolve_at_once_resolve_it_once(stack: Stack) -> None:
    declared = await declare_incident(stack)
    erin = stack.slack.add_user("erin")
    stack.slack.channels[declared.channel].members.add(erin)  # a responder who may resolve it
    updates = counting(stack, "UpdateIncidentRecord")
    stack.emulator.faults.add({"operation": "UpdateIncidentRecord", "delay_seconds": 0.5})

    await asyncio.gather(
        press(stack, declared.user, declared, "incident_resolve"),
        press(stack, erin, declared, "incident_resolve"),
    )
    await eventually(lambda: said_in_channel(stack, declared, "resolved *Checkout errors*"))
    # the second waits for the first, then finds it done
    await eventually(
        lambda: any(
            "*Checkout errors* is already resolved; nothing was changed." in r
            for u in (declared.user, erin)
            for r in replies(stack, u)
        )
    )
    await asyncio.sleep(0.8)
    assert updates["UpdateIncidentRecord"] == 1
    assert len(said_in_channel(stack, declared, "resolved *Checkout errors*")) == 1
    assert status(stack, declared.arn) == "RESOLVED"


async def test_a_reopen_pressed_while_the_resolve_runs_follows_it(stack: Stack) -> None:
    declared = await declare_incident(stack)
    stack.emulator.faults.add(
        {"operation": "UpdateIncidentRecord", "delay_seconds": 1.0, "times": 1}
    )
    await press(stack, declared.user, declared, "incident_resolve")
    await eventually(lambda: not stack.emulator.faults.listing())  # the resolve is in AWS
    await press(stack, declared.user, declared, "incident_reopen")

    await eventually(lambda: said_in_channel(stack, declared, "reopened *Checkout errors*"))
    assert status(stack, declared.arn) == "OPEN"
    assert len(said_in_channel(stack, declared, "resolved *Checkout errors*")) == 1
    assert not any("right now" in r for r in replies(stack, declared.user))


async def test_a_change_stuck_behind_another_is_told_who_holds_it(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.incidents.status_changes.WAIT_SECONDS", 0.3)
    declared = await declare_incident(stack)
    erin = stack.slack.add_user("erin")
    stack.slack.channels[declared.channel].members.add(erin)
    stack.emulator.faults.add(
        {"operation": "UpdateIncidentRecord", "delay_seconds": 2.0, "times": 1}
    )
    await press(stack, declared.user, declared, "incident_resolve")
    await eventually(lambda: not stack.emulator.faults.listing())
    await press(stack, erin, declared, "incident_reopen")

    told = await eventually(lambda: [r for r in replies(stack, erin) if "right now" in r])
    assert f"<@{declared.user}> is resolving this incident right now" in told[0]
    await eventually(lambda: said_in_channel(stack, declared, "resolved *Checkout errors*"))
    await asyncio.sleep(0.3)
    assert status(stack, declared.arn) == "RESOLVED"


async def test_resolving_a_resolved_incident_says_so_and_posts_nothing(stack: Stack) -> None:
    declared = await declare_incident(stack)
    await stack.sender.slash_command("/incident", "resolve", declared.user, declared.channel)
    await eventually(lambda: status(stack, declared.arn) == "RESOLVED")
    await eventually(lambda: said_in_channel(stack, declared, "resolved *Checkout errors*"))
    updates = counting(stack, "UpdateIncidentRecord")

    await stack.sender.slash_command("/incident", "resolve done", declared.user, declared.channel)
    await press(stack, declared.user, declared, "incident_resolve")
    already = await eventually(
        lambda: [r for r in replies(stack, declared.user) if "already resolved" in r][1:]
    )
    assert "*Checkout errors* is already resolved; nothing was changed." in already[0]
    await asyncio.sleep(0.3)
    assert len(said_in_channel(stack, declared, "resolved *Checkout errors*")) == 1
    assert updates["UpdateIncidentRecord"] == 0
    assert not any(t.startswith("Resolved:") for t in texts(stack, declared.arn))

    await stack.sender.slash_command("/incident", "reopen", declared.user, declared.channel)
    await eventually(lambda: status(stack, declared.arn) == "OPEN")
    await eventually(lambda: said_in_channel(stack, declared, "reopened *Checkout errors*"))
    await stack.sender.slash_command("/incident", "reopen", declared.user, declared.channel)
    await eventually(
        lambda: any(
            "is already open; nothing was changed" in r for r in replies(stack, declared.user)
        )
    )
    assert len(said_in_channel(stack, declared, "reopened *Checkout errors*")) == 1


async def test_a_redelivered_request_confirms_once(stack: Stack) -> None:
    declared = await declare_incident(stack)
    ts = stack.slack.user_posts(declared.channel, declared.user, "Deploy 1234 rolled back")
    for retry in (None, *range(1, 10)):  # Slack retries an event with its own id
        await stack.sender.reaction_added(
            declared.user, declared.channel, ts, "pushpin", event_id="EvPUSHPIN1", retry_num=retry
        )
    form = stack.sender.slash_command_form(
        "/incident", "note cache flushed", declared.user, declared.channel
    )
    for _ in range(3):  # a replayed command: the same form, the same trigger
        await stack.sender.deliver("slash_commands", form)

    await eventually(lambda: any("cache flushed" in t for t in texts(stack, declared.arn)))
    await eventually(lambda: any("Deploy 1234" in t for t in texts(stack, declared.arn)))
    await asyncio.sleep(0.5)
    said = replies(stack, declared.user)
    assert sum("Added to the timeline of" in r for r in said) == 1
    assert not any("already on the timeline" in r for r in said)
    assert len(said_in_channel(stack, declared, ":memo: Added to the timeline")) == 1
    assert sum("cache flushed" in t for t in texts(stack, declared.arn)) == 1


async def test_a_redelivered_button_press_resolves_once_and_says_nothing_more(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A button press is acknowledged before its delivery is claimed: the replays are answered
    200 like the first, and their listener stops at its ack."""
    declared = await declare_incident(stack)
    updates = counting(stack, "UpdateIncidentRecord")
    sent: list[dict[str, Any]] = []
    deliver = stack.sender.deliver

    async def recorded(kind: str, payload: dict[str, Any], **knobs: Any) -> Any:
        sent.append(payload)
        return await deliver(kind, payload, **knobs)

    monkeypatch.setattr(stack.sender, "deliver", recorded)
    await press(stack, declared.user, declared, "incident_resolve")
    [payload] = sent
    answers = await asyncio.gather(*(deliver("interactive", payload) for _ in range(3)))

    assert [a.status for a in answers] == [200] * 3
    await eventually(lambda: said_in_channel(stack, declared, "resolved *Checkout errors*"))
    await asyncio.sleep(0.5)
    assert len(said_in_channel(stack, declared, "resolved *Checkout errors*")) == 1
    assert updates["UpdateIncidentRecord"] == 1
    said = replies(stack, declared.user)
    assert not any(
        "already resolved" in r or "resolving this incident right now" in r for r in said
    )
    assert not any("Something went wrong" in m["text"] for m in stack.slack.dms(declared.user))


async def test_a_request_whose_delivery_cannot_be_recorded_is_still_handled(
    stack: Stack, caplog: pytest.LogCaptureFixture
) -> None:
    """Better twice than never: a claim the database refuses lets the request through."""
    dana = stack.slack.add_user("dana")
    ops = stack.slack.add_channel("ops", members=[dana])
    async with stack.services.database.write() as session:
        await session.execute(text("DROP TABLE slack_requests"))

    with caplog.at_level(logging.WARNING):
        answer = await stack.sender.slash_command("/incident", "help", dana, ops)
        [help_reply] = await eventually(lambda: stack.slack.calls_to("response_url"))
    assert answer.status == 200
    assert "`/incident help`" in json.dumps(help_reply.args["blocks"])
    assert "could not record Slack request trigger:" in caplog.text


def deleted(channel: str, ts: str) -> dict[str, Any]:
    return {"type": "message", "subtype": "message_deleted", "channel": channel, "deleted_ts": ts}


async def test_concurrent_deletes_of_a_timeline_message_do_not_crash(
    stack: Stack, caplog: pytest.LogCaptureFixture
) -> None:
    declared = await declare_incident(stack)
    ts = stack.slack.user_posts(declared.channel, declared.user, "Deploy 1234 rolled back")
    await stack.sender.message_shortcut("add_to_timeline", declared.user, declared.channel, ts)
    await eventually(lambda: any("Deploy 1234" in t for t in texts(stack, declared.arn)))
    stack.emulator.faults.add({"operation": "DeleteTimelineEvent", "delay_seconds": 0.3})

    with caplog.at_level(logging.ERROR):
        answers = await asyncio.gather(
            *(stack.sender.event(deleted(declared.channel, ts)) for _ in range(3))
        )
        await eventually(lambda: not any("Deploy" in t for t in texts(stack, declared.arn)))
        await asyncio.sleep(0.8)
    assert [a.status for a in answers] == [200] * 3
    assert "listener failed" not in caplog.text
    assert await stack.services.timeline.tracked(declared.channel, ts) is None


async def landing_event(stack: Stack) -> tuple[Declared, str]:
    """An incident and a message on its way to its timeline: claimed by the bot while AWS
    takes a second to create the event."""
    declared = await declare_incident(stack)
    ts = stack.slack.user_posts(declared.channel, declared.user, "Deploy 1234 rolled back")
    stack.emulator.faults.add({"operation": "CreateTimelineEvent", "delay_seconds": 1, "times": 1})
    await stack.sender.message_shortcut("add_to_timeline", declared.user, declared.channel, ts)
    await eventually(lambda: stack.services.timeline.tracked(declared.channel, ts))
    return declared, ts


async def test_a_delete_before_the_event_lands_deletes_it_once_it_does(stack: Stack) -> None:
    declared, ts = await landing_event(stack)
    await stack.sender.event(deleted(declared.channel, ts))  # while AWS is still creating it

    await eventually(
        lambda: any("Added to the timeline of" in r for r in replies(stack, declared.user))
    )
    await eventually(lambda: not any("Deploy" in t for t in texts(stack, declared.arn)))
    assert await stack.services.timeline.tracked(declared.channel, ts) is None


async def test_an_edit_before_the_event_lands_is_applied_once_it_does(stack: Stack) -> None:
    declared, ts = await landing_event(stack)
    await stack.sender.message_changed(declared.channel, ts, "Deploy 1235 rolled back")

    await eventually(
        lambda: any("Added to the timeline of" in r for r in replies(stack, declared.user))
    )
    await eventually(lambda: any("Deploy 1235" in t for t in texts(stack, declared.arn)))
    assert not any("Deploy 1234" in t for t in texts(stack, declared.arn))


async def test_text_typed_after_a_command_reads_right_in_aws(stack: Stack) -> None:
    user = stack.slack.add_user("dana")
    origin = stack.slack.add_channel("ops", members=[user])
    typed = "Payments &amp; refunds &lt;EU&gt; for <@U0RIVERA01|rivera>"
    view = await declare_form(stack, user, origin, typed)
    title = view["blocks"][0]["element"]["initial_value"]
    assert title == "Payments & refunds <EU> for @rivera"
    await stack.sender.view_submission(user, view["id"], declare_values(title, 2, PLAN_ARN))
    [record] = await eventually(
        lambda: stack.aws().list_incident_records()["incidentRecordSummaries"]
    )
    assert record["title"] == "Payments & refunds <EU> for @rivera"
    channel = await eventually(lambda: stack.services.incidents.channel_of(record["arn"]))
    # the declaration finished (the declarer invited into the channel, so they may change it)
    await eventually(lambda: any("Declared" in r for r in replies(stack, user)))

    def incident() -> dict[str, Any]:
        return stack.aws().get_incident_record(arn=record["arn"])["incidentRecord"]

    # one command after the other is done, as a person types them (each runs after its ack)
    await stack.sender.slash_command("/incident", f"title {typed} again", user, channel)
    await eventually(lambda: incident()["title"].endswith("again"))
    await stack.sender.slash_command(
        "/incident", "summary Fixed &amp; <@U0RIVERA01|rivera>", user, channel
    )
    await eventually(lambda: incident().get("summary"))
    await stack.sender.slash_command("/incident", "resolve Rolled back &amp; done", user, channel)
    await eventually(lambda: incident()["status"] == "RESOLVED")
    assert incident()["title"] == "Payments & refunds <EU> for @rivera again"
    assert incident()["summary"] == "Fixed & @rivera"
    await eventually(lambda: "Resolved: Rolled back & done" in texts(stack, record["arn"]))
    echo = [r for r in replies(stack, user) if r.startswith(":white_check_mark: Title is now")]
    assert echo == [
        ":white_check_mark: Title is now *Payments &amp; refunds &lt;EU&gt; for @rivera again*."
    ]
