"""Two bot replicas on one PostgreSQL: every stage still runs exactly once."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from emulator.slack import FakeSlack, RunningFakeSlack, SlackSender
from emulator.testing import RunningEmulator
from tests.conftest import EXAMPLE_SEED
from tests.postgres import postgres_bin, running_postgres
from tests.processes import BotProcess, bot_env
from tests.support import PLAN_ARN, declare_values, eventually, free_port

SECRET = "replica-secret"

pytestmark = pytest.mark.skipif(
    postgres_bin() is None, reason="needs PostgreSQL (apt-get install postgresql; CI installs it)"
)


@pytest.fixture
def postgres() -> Iterator[str]:
    with running_postgres() as url:
        yield url


@pytest.fixture
def counted_emulator() -> Iterator[tuple[RunningEmulator, Counter[str]]]:
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
        await first.slash_command("/incident", "declare Queue backlog", team["dana"], ops)
        view = (await eventually(fake.views_opened, timeout=15))[-1]
        await second.view_submission(
            team["dana"], view["id"], declare_values("Queue backlog", 2, PLAN_ARN)
        )
        channel = await eventually(
            lambda: next(
                (c for c in fake.channels.values() if c.name.startswith("inc-") and c.pins), None
            ),
            timeout=15,
        )
        await second.slash_command("/incident", "page oncall-escalation", team["dana"], channel.id)
        await eventually(
            lambda: [m for m in fake.messages(channel.id) if "Every stage" in m.get("text", "")],
            timeout=30,
        )
        await asyncio.sleep(1.5)  # several audit and mirror rounds on both replicas
    finally:
        for replica in replicas:
            replica.stop()

    assert [len(page_dms(fake, team[name])) for name in ("alice", "bob", "carol")] == [1, 1, 1]
    assert dict(start_engagement_calls) == {"alice": 1, "bob": 1, "carol": 1}
    assert len([m for m in fake.messages(channel.id) if "Every stage" in m.get("text", "")]) == 1
    assert len(aws.client("ssm-incidents").list_incident_records()["incidentRecordSummaries"]) == 1
