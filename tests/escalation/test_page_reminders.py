"""Reminders of an unacknowledged page, and a page's DM sent once across crashes."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.escalation.common import (
    buttons,
    dms_saying,
    page,
    page_dms,
    pages_read,
)
from tests.support import Stack, declare_incident, eventually


async def test_retry_interval_re_notifies_until_acknowledged(
    stack: Stack, team: dict[str, str]
) -> None:
    declared = await declare_incident(stack)
    await page(stack, declared, "alice")  # alice's plan: RetryIntervalInMinutes 2 (0.2 s here)
    [alice_page] = await eventually(lambda: page_dms(stack, team["alice"]))

    def reminders() -> list[dict[str, Any]]:
        return dms_saying(stack, team["alice"], "Reminder")

    await eventually(lambda: len(reminders()) >= 2)
    assert all(m["thread_ts"] == alice_page["ts"] for m in reminders())
    assert reminders()[0]["text"].startswith(":alarm_clock: Reminder 1: *Checkout errors*")
    await stack.sender.press(team["alice"], alice_page, "page_acknowledge")
    await eventually(lambda: pages_read(stack, "alice"))
    # Acknowledged as Alice sees it: her page's DM says so. A reminder claimed before her press
    # is already on its way (Slack's pace holds a DM's messages in order); none is claimed after.
    await eventually(lambda: dms_saying(stack, team["alice"], "Acknowledged by"))
    settled = len(reminders())
    await asyncio.sleep(0.8)
    assert len(reminders()) == settled


@pytest.mark.parametrize(
    "bot_settings",
    [
        {
            "default_response_plan": "critical-service",
            "time_scale": 1.0,
            "mirror_interval_seconds": 0.3,
        }
    ],
)
async def test_a_reminder_timer_lost_in_a_crash_is_planned_again(
    stack: Stack, team: dict[str, str]
) -> None:
    declared = await declare_incident(stack)
    await page(stack, declared, "alice")  # RetryIntervalInMinutes 2: 2 s at this scale
    [alice_page] = await eventually(lambda: page_dms(stack, team["alice"]))
    notice_id = buttons(alice_page)["Acknowledge"]
    scheduler = stack.services.schedule.scheduler
    lost = f"reminder:{notice_id}:1"
    await eventually(lambda: scheduler.get_job(lost))
    scheduler.remove_job(lost)  # what a crash between the DM and its timer leaves behind

    reminder = await eventually(lambda: dms_saying(stack, team["alice"], "Reminder 1"))
    assert reminder[0]["thread_ts"] == alice_page["ts"]


@pytest.mark.parametrize(
    "bot_settings",
    [{"default_response_plan": "critical-service", "mirror_interval_seconds": 0.3}],
)
async def test_a_crash_after_slack_took_the_dm_shows_the_page_once(
    stack: Stack, team: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker dies after Slack accepted the DM but before the bot wrote down its ts."""
    monkeypatch.setattr("bot.escalation.notices.STALE_CLAIM_SECONDS", 0.5)
    notices = stack.services.acknowledgements.notices  # the one every part records pages in
    record = notices.set
    crashed: list[str] = []

    async def dies_before_recording_the_dm(notice_id: str, **values: object) -> None:
        if "dm_channel" in values and not crashed:
            crashed.append(notice_id)
            raise asyncio.CancelledError  # the process is gone: nothing after this runs
        await record(notice_id, **values)

    monkeypatch.setattr(notices, "set", dies_before_recording_the_dm)
    declared = await declare_incident(stack)
    await page(stack, declared, "alice")
    await eventually(lambda: crashed)
    [alice_page] = await eventually(lambda: page_dms(stack, team["alice"]))

    await asyncio.sleep(1.5)  # the claim goes stale and the auditor takes the page over
    assert page_dms(stack, team["alice"]) == [alice_page]
    im = stack.slack.im(team["alice"]).id
    await stack.sender.press(team["alice"], alice_page, "page_acknowledge")
    await eventually(lambda: pages_read(stack, "alice"))
    # the bot found the DM it had sent, so it updates that one in place
    await eventually(lambda: "Acknowledged by" in str(stack.slack.message(im, alice_page["ts"])))
