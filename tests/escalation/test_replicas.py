"""Two bot replicas on one PostgreSQL: every stage still runs exactly once."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

from emulator.slack import RunningFakeSlack, SlackSender
from emulator.testing import RunningEmulator, free_port
from tests.postgres import needs_postgres
from tests.processes import (
    BotProcess,
    bot_env,
    declare_over_http,
    page_dms,
    stage_alerts,
)
from tests.support import eventually

SECRET = "replica-secret"

pytestmark = needs_postgres


async def test_two_replicas_run_each_stage_once(
    postgres: str,
    counted_emulator: tuple[RunningEmulator, Counter[str]],
    slack: RunningFakeSlack,
    tmp_path: Path,
) -> None:
    aws, start_engagement_calls = counted_emulator
    fake = slack.fake
    env = bot_env(
        slack.api_url, aws.url, postgres, SECRET, TIME_SCALE="0.3", MIRROR_INTERVAL_SECONDS="0.5"
    )
    replicas = [BotProcess(env, free_port(), tmp_path / f"replica-{n}.log") for n in (1, 2)]
    for replica in replicas:  # one after the other, as a rolling deploy starts them
        await replica.start()
    first = SlackSender(f"http://127.0.0.1:{replicas[0].port}/slack/events", SECRET, fake)
    second = SlackSender(f"http://127.0.0.1:{replicas[1].port}/slack/events", SECRET, fake)
    team = {
        name: fake.add_user(name, email=f"{name}@example.com")
        for name in ("dana", "alice", "bob", "carol")
    }
    ops = fake.add_channel("ops", members=[team["dana"]])
    try:
        channel = await declare_over_http(first, second, team["dana"], ops, "Queue backlog")
        await second.slash_command("/incident", "page oncall-escalation", team["dana"], channel.id)
        await eventually(lambda: stage_alerts(fake, channel.id), timeout=30)
        await asyncio.sleep(1.5)  # several audit and mirror rounds on both replicas
    finally:
        for replica in replicas:
            await replica.stop()

    assert [len(page_dms(fake, team[name])) for name in ("alice", "bob", "carol")] == [1, 1, 1]
    assert dict(start_engagement_calls) == {"alice": 1, "bob": 1, "carol": 1}
    assert len(stage_alerts(fake, channel.id)) == 1
    assert len(aws.client("ssm-incidents").list_incident_records()["incidentRecordSummaries"]) == 1


async def test_a_page_sent_to_both_replicas_pages_once(
    postgres: str,
    counted_emulator: tuple[RunningEmulator, Counter[str]],
    slack: RunningFakeSlack,
    tmp_path: Path,
) -> None:
    """The same request redelivered to both, and a second request typed on the other: one
    escalation, one engagement, and "Already paging" for the second request."""
    aws, start_engagement_calls = counted_emulator
    fake = slack.fake
    env = bot_env(slack.api_url, aws.url, postgres, SECRET, TIME_SCALE="60")
    replicas = [BotProcess(env, free_port(), tmp_path / f"replica-{n}.log") for n in (1, 2)]
    for replica in replicas:
        await replica.start()
    senders = [
        SlackSender(f"http://127.0.0.1:{replica.port}/slack/events", SECRET, fake)
        for replica in replicas
    ]
    team = {name: fake.add_user(name, email=f"{name}@example.com") for name in ("dana", "alice")}
    ops = fake.add_channel("ops", members=[team["dana"]])
    try:
        channel = await declare_over_http(*senders, team["dana"], ops, "Queue backlog")
        form = senders[0].slash_command_form(
            "/incident", "page oncall-escalation", team["dana"], channel.id
        )
        await asyncio.gather(
            *(sender.deliver("slash_commands", form) for sender in senders + senders)
        )
        await asyncio.gather(
            *(
                sender.slash_command(
                    "/incident", "page oncall-escalation", team["dana"], channel.id
                )
                for sender in senders
            )
        )

        def answers() -> list[str]:
            return [
                c.args.get("text", "")
                for c in fake.calls
                if c.method == "response_url" and "oncall-escalation" in c.args.get("text", "")
            ]

        await eventually(lambda: len(answers()) >= 3, timeout=15)
        await asyncio.sleep(1.0)
    finally:
        for replica in replicas:
            await replica.stop()

    assert sorted(a.split(" ", 2)[1] for a in answers()) == ["Already", "Already", "Paging"]
    assert len(page_dms(fake, team["alice"])) == 1
    assert dict(start_engagement_calls) == {"alice": 1}
