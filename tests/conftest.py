"""The end-to-end stack: the bot's web app in-process, against the emulator and the fake Slack."""

from __future__ import annotations

import asyncio
import shutil
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from bot.local import local_bot
from bot.store.database import Database
from emulator.slack import RunningFakeSlack, SlackSender
from emulator.testing import RunningEmulator
from tests.postgres import running_postgres
from tests.processes import counting_start_engagement
from tests.support import BOT_TOKEN, SIGNING_SECRET, Stack

EXAMPLE_SEED = Path(__file__).resolve().parent.parent / "emulator" / "example-seed.yml"

# The fixtures that stand up the local AWS or Slack: a test using one is end-to-end.
STANDS_UP = {"stack", "emulator", "counted_emulator", "slack", "postgres"}
# The end-to-end tests that take longest (serially on 2 cores: the contract test about 130 s,
# the leader test 36 s, each restart 20 s, the replicas 10 to 15 s), started first in a parallel
# run so that no worker is left with one of them at the end.
SLOWEST = (
    "tests/handlers/test_slack_contract.py",
    "tests/background/test_leadership.py",
    "tests/incidents/test_declare_restart.py",
    "tests/escalation/test_restart.py",
    "tests/escalation/test_replicas.py",
    "tests/incidents/test_sync_replicas.py",
    "tests/oncall/test_handoff.py",
    "tests/test_packaging.py",
    "tests/test_benchmarks.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Fast unit tests first (a mistake there shows in seconds), then the end-to-end tests,
    the slowest first (``scripts/test`` runs them on parallel workers, in this order)."""

    def order(item: pytest.Item) -> tuple[int, int]:
        path = item.nodeid.split("::")[0]
        if path in SLOWEST:
            return 1, SLOWEST.index(path)
        return (2 if STANDS_UP & set(getattr(item, "fixturenames", ())) else 0), 0

    items.sort(key=order)


@pytest.fixture(scope="session")
def migrated_schema(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the bot's schema, migrated once per test process (Alembic's revisions
    take some 0.2 s a database); ``database_file`` hands each test a copy."""
    path = tmp_path_factory.mktemp("schema") / "bot.db"

    async def migrate() -> None:
        database = Database(f"sqlite:///{path}")
        try:
            await database.migrate()
        finally:
            await database.close()

    with ThreadPoolExecutor(1) as thread:  # a loop of its own, not the tests' loop
        thread.submit(asyncio.run, migrate()).result()
    return path


@pytest.fixture
def database_file(tmp_path: Path, migrated_schema: Path) -> Path:
    """The test's own database file, at the newest schema already (the bot's start-up
    migration finds nothing to do)."""
    path = tmp_path / "bot.db"
    shutil.copyfile(migrated_schema, path)
    return path


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Points boto3 (through botocore's own variables) at an emulator URL."""

    def point_at(url: str) -> None:
        monkeypatch.setenv("AWS_ENDPOINT_URL", url)
        monkeypatch.setenv("AWS_REGION", "us-east-1")
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "emulator-secret")
        monkeypatch.delenv("AWS_PROFILE", raising=False)

    return point_at


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:
    with RunningEmulator(seed=EXAMPLE_SEED) as running:
        yield running


@pytest.fixture
def counted_emulator() -> Iterator[tuple[RunningEmulator, Counter[str]]]:
    """The emulator, with the StartEngagement calls it answered counted per contact."""
    with RunningEmulator(seed=EXAMPLE_SEED) as running:
        yield running, counting_start_engagement(running)


@pytest.fixture
async def slack() -> AsyncIterator[RunningFakeSlack]:
    async with RunningFakeSlack() as running:
        yield running


@pytest.fixture
def bot_settings() -> dict[str, Any]:
    """Overrides a test may change before the ``stack`` fixture builds the bot."""
    return {"default_response_plan": "critical-service", "time_scale": 0.05}


@pytest.fixture
async def stack(
    emulator: RunningEmulator,
    slack: RunningFakeSlack,
    aws_env: Callable[[str], None],
    database_file: Path,
    bot_settings: dict[str, Any],
) -> AsyncIterator[Stack]:
    aws_env(emulator.url)
    async with local_bot(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack.api_url,
        database_url=f"sqlite:///{database_file}",
        **bot_settings,
    ) as bot:
        sender = SlackSender(bot.events_url, SIGNING_SECRET, slack.fake)
        yield Stack(slack.fake, sender, emulator, bot.services, bot.url)


@pytest.fixture
def postgres() -> Iterator[str]:
    """A fresh PostgreSQL server's URL for one test (marked ``tests.postgres.needs_postgres``)."""
    with running_postgres() as url:
        yield url
