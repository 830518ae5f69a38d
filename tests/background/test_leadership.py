"""Three replicas on one PostgreSQL: one leads the timers; kill it and another takes over."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import aiohttp

from emulator.slack import RunningFakeSlack, SlackSender
from emulator.testing import RunningEmulator, free_port
from tests.postgres import needs_postgres
from tests.processes import (
    BotProcess,
    bot_env,
    declare_over_http,
    page_dms,
    stage_alerts,
    timing_start_engagement,
)
from tests.support import eventually

SECRET = "leader-secret"
TIME_SCALE = 1.2  # stage 1 (5 plan minutes) lasts 6 s, stage 2 (10) lasts 12 s
TAKEOVER_SECONDS = 15.0

pytestmark = needs_postgres


async def leading(replicas: list[BotProcess]) -> list[BotProcess]:
    """The replicas whose /metrics say they run the timers."""
    found = []
    async with aiohttp.ClientSession() as http:
        for replica in replicas:
            if replica.process is None or replica.process.poll() is not None:
                continue
            async with http.get(f"http://127.0.0.1:{replica.port}/metrics") as response:
                if "incident_bot_leader 1.0" in await response.text():
                    found.append(replica)
    return found


async def test_killing_the_leader_hands_the_timers_to_another_replica(
    postgres: str,
    counted_emulator: tuple[RunningEmulator, Counter[str]],
    slack: RunningFakeSlack,
    tmp_path: Path,
) -> None:
    aws, start_engagement_calls = counted_emulator
    engaged_at = timing_start_engagement(aws)
    fake = slack.fake
    env = bot_env(
        slack.api_url,
        aws.url,
        postgres,
        SECRET,
        TIME_SCALE=str(TIME_SCALE),
        MIRROR_INTERVAL_SECONDS="0.5",
    )
    replicas = [BotProcess(env, free_port(), tmp_path / f"replica-{n}.log") for n in (1, 2, 3)]
    for replica in replicas:
        await replica.start()
    senders = [
        SlackSender(f"http://127.0.0.1:{r.port}/slack/events", SECRET, fake) for r in replicas
    ]
    team = {
        name: fake.add_user(name, email=f"{name}@example.com")
        for name in ("dana", "alice", "bob", "carol")
    }
    ops = fake.add_channel("ops", members=[team["dana"]])
    try:
        [leader] = await eventually(lambda: leading(replicas), timeout=10)
        followers = [r for r in replicas if r is not leader]
        channel = await declare_over_http(senders[0], senders[1], team["dana"], ops, "Disk full")
        # the page is taken by a follower: the leader learns of it from the rows
        follower_sender = senders[replicas.index(followers[0])]
        await follower_sender.slash_command(
            "/incident", "page oncall-escalation", team["dana"], channel.id
        )
        await eventually(lambda: page_dms(fake, team["alice"]), timeout=15)

        leader.kill()  # mid-escalation: stage 2 is due in about 6 s
        [successor] = await eventually(lambda: leading(followers), timeout=TAKEOVER_SECONDS)
        assert successor in followers
        await eventually(lambda: page_dms(fake, team["bob"]), timeout=25)
        await eventually(lambda: stage_alerts(fake, channel.id), timeout=30)
        await asyncio.sleep(2.0)  # several planner and audit rounds on both survivors
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{successor.port}/metrics") as response,
        ):
            metrics = await response.text()
    finally:
        for replica in replicas:
            await replica.stop()

    assert [len(page_dms(fake, team[name])) for name in ("alice", "bob", "carol")] == [1, 1, 1]
    assert dict(start_engagement_calls) == {"alice": 1, "bob": 1, "carol": 1}
    engaged = {call.alias: call.at for call in engaged_at}
    stage_2_due = engaged["alice"] + 5 * TIME_SCALE
    assert -0.5 <= engaged["bob"] - stage_2_due <= TAKEOVER_SECONDS
    assert len(stage_alerts(fake, channel.id)) == 1
    for shown in (
        "incident_bot_leader 1.0",
        'incident_bot_stage_lateness_seconds_bucket{le="15.0"} 2.0',  # stage 2 and the end
        "incident_bot_jobs_pending ",
        "incident_bot_escalations_running 0.0",  # every stage ran
        'incident_bot_aws_call_seconds_count{operation="start_engagement"}',
        'incident_bot_slack_call_seconds_count{method="chat.postMessage"}',
    ):
        assert shown in metrics, shown
