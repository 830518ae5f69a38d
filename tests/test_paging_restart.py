"""SIGKILL the real bot process mid-escalation: after a restart every stage runs exactly once."""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from emulator.slack import FakeSlack, RunningFakeSlack, SlackSender
from emulator.testing import RunningEmulator
from tests.conftest import EXAMPLE_SEED
from tests.processes import BotProcess
from tests.support import PLAN_ARN, declare_values, eventually, free_port

ROOT = Path(__file__).resolve().parent.parent
SECRET = "restart-secret"
TIME_SCALE = "0.6"  # stage 1 (5 plan minutes) lasts 3 s, stage 2 (10) lasts 6 s


@pytest.fixture
def counted_emulator() -> Iterator[tuple[RunningEmulator, Counter[str]]]:
    """The emulator, counting every StartEngagement call per contact (retries included)."""
    calls: Counter[str] = Counter()
    with RunningEmulator(seed=EXAMPLE_SEED) as running:
        original = running.contacts.StartEngagement

        def counting(params: dict[str, Any]) -> dict[str, Any]:
            calls[params["ContactId"].rsplit("/", 1)[-1]] += 1
            return original(params)

        running.contacts.StartEngagement = counting
        yield running, calls


@pytest.fixture
async def slack() -> AsyncIterator[RunningFakeSlack]:
    async with RunningFakeSlack() as running:
        yield running


def page_dms(fake: FakeSlack, user: str) -> list[dict[str, Any]]:
    return [m for m in fake.dms(user) if "You are paged" in m.get("text", "")]


async def test_a_killed_bot_resumes_every_stage_exactly_once(
    counted_emulator: tuple[RunningEmulator, Counter[str]],
    slack: RunningFakeSlack,
    tmp_path: Path,
) -> None:
    aws, start_engagement_calls = counted_emulator
    fake = slack.fake
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": "xoxb-restart",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.api_url,
        "AWS_ENDPOINT_URL": aws.url,
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "x",
        "AWS_SECRET_ACCESS_KEY": "y",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "TIME_SCALE": TIME_SCALE,
        "MIRROR_INTERVAL_SECONDS": "3600",
        "DEFAULT_RESPONSE_PLAN": "critical-service",
    }
    env.pop("SLACK_APP_TOKEN", None)
    bot = BotProcess(env, port, tmp_path / "bot.log")
    sender = SlackSender(f"http://127.0.0.1:{port}/slack/events", SECRET, fake)
    team = {
        name: fake.add_user(name, email=f"{name}@example.com")
        for name in ("dana", "alice", "bob", "carol")
    }
    ops = fake.add_channel("ops", members=[team["dana"]])
    await bot.start()
    try:
        await sender.slash_command("/incident", "declare Database down", team["dana"], ops)
        view = (await eventually(fake.views_opened, timeout=15))[-1]
        await sender.view_submission(
            team["dana"], view["id"], declare_values("Database down", 1, PLAN_ARN)
        )
        channel = await eventually(
            lambda: next(
                (c for c in fake.channels.values() if c.name.startswith("inc-") and c.pins), None
            ),
            timeout=15,
        )
        await sender.slash_command("/incident", "page oncall-escalation", team["dana"], channel.id)
        await eventually(lambda: page_dms(fake, team["alice"]), timeout=15)

        bot.kill()  # in the middle of stage 1; stage 2 falls due while the bot is down
        await asyncio.sleep(3.5)
        assert page_dms(fake, team["bob"]) == []
        await bot.start()

        await eventually(
            lambda: page_dms(fake, team["bob"]) and page_dms(fake, team["carol"]), timeout=20
        )
        await eventually(
            lambda: [m for m in fake.messages(channel.id) if "Every stage" in m.get("text", "")],
            timeout=20,
        )
        await asyncio.sleep(1.0)  # room for any duplicate to show itself
    finally:
        bot.stop()

    assert [len(page_dms(fake, team[name])) for name in ("alice", "bob", "carol")] == [1, 1, 1]
    assert dict(start_engagement_calls) == {"alice": 1, "bob": 1, "carol": 1}
    alerts = [m for m in fake.messages(channel.id) if "Every stage" in m.get("text", "")]
    assert len(alerts) == 1
    log = (tmp_path / "bot.log").read_text()
    assert "Traceback" not in log, log[log.find("Traceback") - 500 :][:4000]
