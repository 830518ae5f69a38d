"""SIGKILL the real bot process inside each step of a declaration: after a restart the
declaration is finished, every part of it once, and the declarer is told."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from emulator.slack import RunningFakeSlack, SlackSender
from emulator.testing import RunningEmulator, free_port
from tests.processes import BotProcess, bot_env
from tests.support import DECLARE_MODAL, PLAN_ARN, declare_values, eventually, new_modal

SECRET = "declare-restart-secret"
ANNOUNCE = "CANNOUNCE0"
HOLD = 4.0  # seconds the step is held open, the kill landing inside


def aws_step(operation: str) -> Callable[[RunningEmulator, RunningFakeSlack], Callable[[], bool]]:
    def hold(aws: RunningEmulator, _: RunningFakeSlack) -> Callable[[], bool]:
        aws.faults.add({"operation": operation, "delay_seconds": HOLD, "times": 1})
        return lambda: not aws.faults.listing()  # the call arrived and is held

    return hold


def slack_step(method: str) -> Callable[[RunningEmulator, RunningFakeSlack], Callable[[], bool]]:
    def hold(_: RunningEmulator, slack: RunningFakeSlack) -> Callable[[], bool]:
        slack.fake.delay(method, HOLD)
        return lambda: not slack.fake.faults.delays[method]

    return hold


STEPS = {
    "start": aws_step("StartIncident"),
    "summary": aws_step("UpdateIncidentRecord"),
    "channel": slack_step("conversations.create"),  # made by Slack, unknown to the bot
    "invite": slack_step("conversations.invite"),
    "card": slack_step("chat.postMessage"),
    "pin": slack_step("pins.add"),
    "related": aws_step("UpdateRelatedItems"),
    "note": aws_step("CreateTimelineEvent"),
}


@pytest.mark.parametrize("step", list(STEPS))
async def test_a_declaration_killed_inside_a_step_is_finished_after_a_restart(
    step: str, emulator: RunningEmulator, slack: RunningFakeSlack, tmp_path: Path
) -> None:
    fake = slack.fake
    port = free_port()
    env = bot_env(
        slack.api_url,
        emulator.url,
        f"sqlite:///{tmp_path / 'bot.db'}",
        SECRET,
        ANNOUNCE_CHANNEL=ANNOUNCE,
        MIRROR_INTERVAL_SECONDS="2",  # the sweep runs every 2 s
    )
    bot = BotProcess(env, port, tmp_path / "bot.log")
    sender = SlackSender(f"http://127.0.0.1:{port}/slack/events", SECRET, fake)
    dana = fake.add_user("dana", email="dana@example.com")
    ops = fake.add_channel("ops", members=[dana])
    announce = fake.add_channel("incidents", members=["UBOT0INCIDENT"])
    fake.channels[ANNOUNCE] = fake.channels.pop(announce)
    fake.channels[ANNOUNCE].id = ANNOUNCE
    await bot.start()
    try:
        view = await new_modal(
            fake,
            DECLARE_MODAL,
            lambda: sender.slash_command("/incident", "declare Database down", dana, ops),
            timeout=15,
        )
        held = STEPS[step](emulator, slack)
        await sender.view_submission(
            dana, view["id"], declare_values("Database down", 1, PLAN_ARN, "Writes fail")
        )
        await eventually(held, timeout=15)
        await asyncio.sleep(0.3)
        bot.kill()
        await asyncio.sleep(HOLD)  # what was held open is done on the other side now
        await bot.start()

        finished = await eventually(
            lambda: [
                e["text"]
                for e in fake.ephemerals_for(dana)
                if "Finished after an interruption" in e["text"]
            ],
            timeout=40,
        )
        await asyncio.sleep(2.5)  # room for any duplicate to show itself
    finally:
        await bot.stop()

    day = datetime.now(UTC).date().isoformat()
    [channel] = [c for c in fake.channels.values() if c.name.startswith("inc-")]
    assert channel.name == f"inc-{day}-database-down"
    assert dana in channel.members
    assert len(channel.messages) == 1 and channel.pins == [channel.messages[0]["ts"]]
    assert len(fake.messages(ANNOUNCE)) == 1
    assert finished[0].startswith(":rotating_light: Declared *Database down*")
    assert len(finished) == 1

    aws = emulator.client("ssm-incidents")
    [summary] = aws.list_incident_records()["incidentRecordSummaries"]
    arn = summary["arn"]
    assert aws.get_incident_record(arn=arn)["incidentRecord"]["summary"] == "Writes fail"
    assert len(aws.list_related_items(incidentRecordArn=arn)["relatedItems"]) == 1
    notes = [
        json.loads(
            aws.get_timeline_event(incidentRecordArn=arn, eventId=e["eventId"])["event"][
                "eventData"
            ]
        )
        for e in aws.list_timeline_events(incidentRecordArn=arn)["eventSummaries"]
        if e["eventType"] == "Custom Event"
    ]
    assert notes == ["Declared in Slack by Dana"]
    log = (tmp_path / "bot.log").read_text()
    assert "Traceback" not in log, log[log.find("Traceback") - 500 :][:4000]
