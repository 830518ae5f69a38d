"""SIGKILL the real bot process mid-escalation: after a restart every stage runs exactly once."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

from emulator.slack import RunningFakeSlack, SlackSender
from emulator.testing import RunningEmulator, free_port
from tests.processes import (
    BotProcess,
    bot_env,
    declare_over_http,
    page_dms,
    stage_alerts,
)
from tests.support import eventually

SECRET = "restart-secret"
TIME_SCALE = "0.6"  # stage 1 (5 plan minutes) lasts 3 s, stage 2 (10) lasts 6 s


async def test_a_killed_bot_resumes_every_stage_exactly_once(
    counted_emulator: tuple[RunningEmulator, Counter[str]],
    slack: RunningFakeSlack,
    tmp_path: Path,
) -> None:
    aws, start_engagement_calls = counted_emulator
    fake = slack.fake
    port = free_port()
    env = bot_env(
        slack.api_url,
        aws.url,
        f"sqlite:///{tmp_path / 'bot.db'}",
        SECRET,
        TIME_SCALE=TIME_SCALE,
        MIRROR_INTERVAL_SECONDS="3600",
    )
    bot = BotProcess(env, port, tmp_path / "bot.log")
    sender = SlackSender(f"http://127.0.0.1:{port}/slack/events", SECRET, fake)
    team = {
        name: fake.add_user(name, email=f"{name}@example.com")
        for name in ("dana", "alice", "bob", "carol")
    }
    ops = fake.add_channel("ops", members=[team["dana"]])
    await bot.start()
    try:
        channel = await declare_over_http(sender, sender, team["dana"], ops, "Database down")
        await sender.slash_command("/incident", "page oncall-escalation", team["dana"], channel.id)
        await eventually(lambda: page_dms(fake, team["alice"]), timeout=15)

        bot.kill()  # in the middle of stage 1; stage 2 falls due while the bot is down
        await asyncio.sleep(3.5)
        assert page_dms(fake, team["bob"]) == []
        await bot.start()

        await eventually(
            lambda: page_dms(fake, team["bob"]) and page_dms(fake, team["carol"]), timeout=20
        )
        await eventually(lambda: stage_alerts(fake, channel.id), timeout=20)
        await asyncio.sleep(1.0)  # room for any duplicate to show itself
    finally:
        await bot.stop()

    assert [len(page_dms(fake, team[name])) for name in ("alice", "bob", "carol")] == [1, 1, 1]
    assert dict(start_engagement_calls) == {"alice": 1, "bob": 1, "carol": 1}
    assert len(stage_alerts(fake, channel.id)) == 1
    log = (tmp_path / "bot.log").read_text()
    assert "Traceback" not in log, log[log.find("Traceback") - 500 :][:4000]
