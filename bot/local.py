"""The bot served in-process on a loopback port: for the demo, the benchmark and the tests."""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.config import load_settings
from bot.server import serving
from bot.services import Services
from emulator.seed import EXAMPLE
from emulator.slack import RunningFakeSlack, SlackSender
from emulator.testing import RunningEmulator, free_port


@dataclass(frozen=True)
class LocalBot:
    services: Services
    url: str

    @property
    def events_url(self) -> str:
        return f"{self.url}/slack/events"


@asynccontextmanager
async def local_bot(**settings: Any) -> AsyncIterator[LocalBot]:
    """Build the bot from ``settings`` (no ``.env``), serve it over HTTP, and tear it down after.

    Shutdown waits at most a second for work under way: this loop also runs the fakes.
    """
    port = free_port()
    async with serving(load_settings(_env_file=None, **settings), "127.0.0.1", port, 1.0) as bot:
        yield LocalBot(bot, f"http://127.0.0.1:{port}")


@dataclass(frozen=True)
class LocalStack:
    """The seeded emulator, the fake Slack, the bot, and a sender of Slack's requests."""

    aws: RunningEmulator
    slack: RunningFakeSlack
    bot: LocalBot
    sender: SlackSender


@contextmanager
def _aws_env(url: str) -> Iterator[None]:
    """Point boto3's standard chain at the emulator for as long as the stack runs."""
    saved = dict(os.environ)
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": url,
            "AWS_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
        }
    )
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@asynccontextmanager
async def local_stack(signing_secret: str, **settings: Any) -> AsyncIterator[LocalStack]:
    """Everything on this machine, no accounts: the demo's and the benchmark's world."""
    with (
        tempfile.TemporaryDirectory() as workdir,
        RunningEmulator(seed=EXAMPLE) as aws,
        _aws_env(aws.url),
    ):
        async with (
            RunningFakeSlack() as slack,
            local_bot(
                slack_bot_token="xoxb-local",
                slack_signing_secret=signing_secret,
                slack_api_url=slack.api_url,
                database_url=f"sqlite:///{Path(workdir) / 'incident-bot.db'}",
                **settings,
            ) as bot,
        ):
            yield LocalStack(
                aws, slack, bot, SlackSender(bot.events_url, signing_secret, slack.fake)
            )
