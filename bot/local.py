"""The bot served in-process on a loopback port: for the demo, the benchmark and the tests."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.app import Services, build_bolt_app, build_web_app, start_services
from bot.config import load_settings
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
    """Build the bot from ``settings`` (no ``.env``), serve it, and tear it down after."""
    services = await start_services(load_settings(_env_file=None, **settings))
    app = build_bolt_app(services)
    services.start()
    runner = web.AppRunner(build_web_app(app, services), access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield LocalBot(services, f"http://127.0.0.1:{port}")
    finally:
        await runner.cleanup()
        listeners = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        if listeners:  # let work that followed an ack finish before its pools close
            await asyncio.wait(listeners, timeout=1)
        await services.close()


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
