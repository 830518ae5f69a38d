"""SIGKILL the real bot process inside each step of a declaration: after a restart the
declaration is finished, every part of it once, and the declarer is told."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from emulator.slack import RunningFakeSlack, SlackSender
from emulator.testing import RunningEmulator, free_port
from tests.processes import BotProcess, bot_env
from tests.support import DECLARE_MODAL, PLAN_ARN, declare_values, eventually, new_modal

SECRET = "declare-restart-secret"
ANNOUNCE = "CANNOUNCE0"
HOLD = 2.0  # seconds the step is held open, the kill landing inside
SWEEP = 0.5  # seconds between the restarted bot's sweeps
# seconds a declaration's lease lasts: longer than the held step (the first bot's own sweep
# must not take over the step it holds), over about when the restarted bot is up
LEASE = HOLD + 1.0
ROOM = 4 * SWEEP  # after the declarer is told: several sweeps, for a duplicate to show itself

# (the held call arrived, the held call is done on the other side)
Held = tuple[Callable[[], bool], Callable[[], bool]]


def aws_step(operation: str) -> Callable[[RunningEmulator, RunningFakeSlack], Held]:
    def hold(aws: RunningEmulator, _: RunningFakeSlack) -> Held:
        aws.faults.add({"operation": operation, "delay_seconds": HOLD, "times": 1})
        answered: list[object] = []
        run = getattr(aws.incidents, operation)

        def running(params: dict[str, Any]) -> Any:  # after the delay, as the emulator answers
            try:
                return run(params)
            finally:
                answered.append(params)

        setattr(aws.incidents, operation, running)
        return lambda: not aws.faults.listing(), lambda: bool(answered)

    return hold


def slack_step(method: str) -> Callable[[RunningEmulator, RunningFakeSlack], Held]:
    def hold(_: RunningEmulator, slack: RunningFakeSlack) -> Held:
        slack.fake.delay(method, HOLD)
        since = len(slack.fake.calls)  # the local Slack records a call once it has answered
        return (
            lambda: not slack.fake.faults.delays[method],
            lambda: any(c.method == method for c in slack.fake.calls[since:]),
        )

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
        MIRROR_INTERVAL_SECONDS=str(SWEEP),  # the sweep's interval
        DECLARATION_LEASE_SECONDS=str(LEASE),
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
        arrived, answered = STEPS[step](emulator, slack)
        await sender.view_submission(
            dana, view["id"], declare_values("Database down", 1, PLAN_ARN, "Writes fail")
        )
        await eventually(arrived, timeout=15)
        await asyncio.sleep(0.3)  # the call is inside its hold
        assert not answered(), "the kill must land while the step is held: raise HOLD"
        bot.kill()
        await eventually(answered, timeout=HOLD + 10)  # done on the other side now
        await bot.start()

        finished = await eventually(
            lambda: [
                e["text"]
                for e in fake.ephemerals_for(dana)
                if "Finished after an interruption" in e["text"]
            ],
            timeout=40,
        )
        await asyncio.sleep(ROOM)  # room for any duplicate to show itself
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
