"""Stages: an escalation runs them in turn, ends when the incident is resolved, moves on or
stops when told."""

from __future__ import annotations

import asyncio
import logging

import pytest

from tests.escalation.common import (
    A_MINUTE_IS_A_SECOND,
    ESCALATION,
    buttons,
    dms_saying,
    engagements,
    page,
    page_alice,
    page_dms,
    past_stage_1,
    status_text,
)
from tests.support import Stack, declare_incident, eventually, replies


async def test_nobody_answers_both_stages_then_the_channel_is_told(
    stack: Stack, team: dict[str, str]
) -> None:
    declared, alice_page = await page_alice(stack, team)
    assert "stage 1 of 2" in alice_page["blocks"][1]["text"]["text"]
    assert set(buttons(alice_page)) == {"Acknowledge", "Escalate now"}
    assert page_dms(stack, team["bob"]) == []  # stage 2 has not begun

    [bob_page] = await eventually(lambda: page_dms(stack, team["bob"]), timeout=10)
    assert "stage 2 of 2" in bob_page["blocks"][1]["text"]["text"]
    await eventually(lambda: page_dms(stack, team["carol"]))

    alert = await eventually(
        lambda: [
            m for m in stack.slack.messages(declared.channel) if "Every stage" in m.get("text", "")
        ],
        timeout=3,
    )
    assert ESCALATION in alert[0]["text"]
    status = next(
        m for m in stack.slack.messages(declared.channel) if m.get("text") == f"Paging {ESCALATION}"
    )
    again = await eventually(
        lambda: buttons(stack.slack.message(declared.channel, status["ts"])).get("Page again")
    )
    started = engagements(stack, declared.arn)
    assert sorted(e["ContactArn"].rsplit("/", 1)[-1] for e in started) == ["alice", "bob", "carol"]

    await stack.sender.block_action(
        team["alice"], "page_again", again, channel_id=declared.channel, message_ts=status["ts"]
    )

    def since_page_again() -> list[dict]:
        return sorted(engagements(stack, declared.arn), key=lambda e: e["StartTime"])[3:]

    # its stage 1, from the top, first (stage 2 follows within a second at this time scale,
    # about when alice's DM gets its turn among her reminders at Slack's post a second)
    [first, *_] = await eventually(since_page_again)
    assert first["ContactArn"].rsplit("/", 1)[-1] == "alice"
    await eventually(lambda: len(page_dms(stack, team["alice"])) == 2)


async def test_resolving_the_incident_stops_its_paging(stack: Stack, team: dict[str, str]) -> None:
    declared, _ = await page_alice(stack, team)
    await stack.sender.slash_command("/incident", "resolve", declared.user, declared.channel)

    let_off = await eventually(lambda: dms_saying(stack, team["alice"], "incident was resolved"))
    assert buttons(let_off[0]) == {}
    await eventually(lambda: "Paging stopped." in status_text(stack, declared))
    [engagement] = engagements(stack, declared.arn)
    assert engagement.get("StopTime") is not None
    await asyncio.sleep(1.0)  # stage 2 would have begun by now
    assert page_dms(stack, team["bob"]) == []

    await page(stack, declared, "bob")
    refusal = await eventually(lambda: [r for r in replies(stack, declared.user) if "Reopen" in r])
    assert "is resolved, so nobody is paged for it" in refusal[0]
    assert len(engagements(stack, declared.arn)) == 1


async def test_an_incident_resolved_in_aws_stops_paging_at_the_next_stage(
    stack: Stack, team: dict[str, str]
) -> None:
    declared, _ = await page_alice(stack, team)
    stack.aws().update_incident_record(arn=declared.arn, status="RESOLVED")  # in the console

    await eventually(lambda: "Paging stopped." in status_text(stack, declared), timeout=5)
    assert page_dms(stack, team["bob"]) == page_dms(stack, team["carol"]) == []
    assert len(engagements(stack, declared.arn)) == 1


async def test_escalate_now_starts_the_next_stage_at_once(
    stack: Stack, team: dict[str, str]
) -> None:
    stack.services.settings.time_scale = 60.0  # real minutes: only the button can move on
    _, alice_page = await page_alice(stack, team)
    await stack.sender.block_action(
        team["alice"], "page_escalate_now", buttons(alice_page)["Escalate now"]
    )
    [bob_page] = await eventually(lambda: page_dms(stack, team["bob"]))
    assert "stage 2 of 2" in bob_page["blocks"][1]["text"]["text"]


async def test_paging_goes_on_when_the_bot_cannot_post_in_the_channel(
    stack: Stack, team: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    declared = await declare_incident(stack)
    stack.slack.channel(declared.channel).members.discard("UBOT0INCIDENT")  # removed by someone
    await page(stack, declared)
    await eventually(lambda: page_dms(stack, team["alice"]))
    refused = f"could not post the paging status in {declared.channel}: not_in_channel"
    await eventually(lambda: refused in caplog.text)  # the page goes out before the status
    await eventually(lambda: page_dms(stack, team["bob"]), timeout=10)  # the stages go on


@A_MINUTE_IS_A_SECOND
async def test_pages_lists_escalations_and_stop_paging_stops_them(
    stack: Stack, team: dict[str, str]
) -> None:
    declared, _ = await page_alice(stack, team)

    async def command(text: str, answer: str) -> str:
        await stack.sender.slash_command("/incident", text, declared.user, declared.channel)
        said = await eventually(lambda: [r for r in replies(stack, declared.user) if answer in r])
        return said[-1]

    listed = await command("pages", "Open escalations")
    assert f"• `{ESCALATION}` stage 1, paged by <@{declared.user}>" in listed
    await command("stop-paging", "Stopped 1 escalation(s) for *Checkout errors*")
    [engagement] = engagements(stack, declared.arn)
    await eventually(
        lambda: (
            stack.aws("ssm-contacts")
            .describe_engagement(EngagementId=engagement["EngagementArn"])
            .get("StopTime")
        )
    )
    closed = await eventually(lambda: dms_saying(stack, team["alice"], "Paging stopped by"))
    assert buttons(closed[0]) == {}  # nothing left to acknowledge
    await command("pages", "No escalation is running")
    await past_stage_1(stack, declared.arn)
    assert page_dms(stack, team["bob"]) == []  # stage 2 would have begun by now


async def test_a_shutdown_during_a_stage_ends_it_quietly_for_the_next_leader(
    stack: Stack, team: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.background.schedule")
    await page_alice(stack, team)
    stack.emulator.faults.add({"operation": "StartEngagement", "delay_seconds": 3, "times": 1})
    await eventually(lambda: not stack.emulator.faults.listing(), timeout=5)  # stage 2 is held
    await stack.services.close(grace_seconds=0.2)

    assert "stopped by the shutdown; the next leader takes it over" in caplog.text
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
