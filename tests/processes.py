"""The bot as separate processes, started the way an operator starts them."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, NamedTuple

import aiohttp

from emulator.slack import FakeSlack, SlackSender
from emulator.slack.workspace import Channel
from emulator.testing import RunningEmulator
from tests.support import DECLARE_MODAL, PLAN_ARN, declare_values, eventually, new_modal

ROOT = Path(__file__).resolve().parent.parent


def bot_env(
    slack_api_url: str, aws_url: str, database_url: str, signing_secret: str, **extra: str
) -> dict[str, str]:
    """The environment of ``incident-bot run`` against the local stand-ins."""
    env = {
        **{key: value for key, value in os.environ.items() if key != "SLACK_APP_TOKEN"},
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": "xoxb-process",
        "SLACK_SIGNING_SECRET": signing_secret,
        "SLACK_API_URL": slack_api_url,
        "AWS_ENDPOINT_URL": aws_url,
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "x",
        "AWS_SECRET_ACCESS_KEY": "y",
        "DATABASE_URL": database_url,
        "DEFAULT_RESPONSE_PLAN": "critical-service",
        **extra,
    }
    return env


class BotProcess:
    """``incident-bot run`` in HTTP mode, as an operator starts it."""

    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.env, self.port, self.log = env, port, log
        self.process: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        return [sys.executable, "-m", "bot", "run", "--host", "127.0.0.1", "--port", str(self.port)]

    async def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=log,
            )
        async with aiohttp.ClientSession() as http:
            for _ in range(200):
                if self.process.poll() is not None:
                    break  # it exited: say why at once
                try:
                    async with http.get(f"http://127.0.0.1:{self.port}/healthz") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        raise AssertionError(f"the bot did not start: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    async def stop(self) -> None:
        """SIGTERM, then wait without blocking the loop the fake Slack answers its goodbyes on."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        async with asyncio.timeout(20):
            while self.process.poll() is None:
                await asyncio.sleep(0.05)


def counting_start_engagement(running: RunningEmulator) -> Counter[str]:
    """Count every StartEngagement call the emulator answers, per contact alias (retries too)."""
    calls: Counter[str] = Counter()
    original = running.contacts.StartEngagement

    def counting(params: dict[str, Any]) -> dict[str, Any]:
        calls[params["ContactId"].rsplit("/", 1)[-1]] += 1
        return original(params)

    running.contacts.StartEngagement = counting
    return calls


class Engaged(NamedTuple):
    at: float  # time.time() when the emulator received the StartEngagement
    alias: str  # of the contact engaged
    incident_arn: str


def timing_start_engagement(running: RunningEmulator) -> list[Engaged]:
    """Every StartEngagement the emulator received, with when it arrived."""
    calls: list[Engaged] = []
    original = running.contacts.StartEngagement

    def timing(params: dict[str, Any]) -> dict[str, Any]:
        alias = params["ContactId"].rsplit("/", 1)[-1]
        calls.append(Engaged(time.time(), alias, params.get("IncidentId", "")))
        return original(params)

    running.contacts.StartEngagement = timing
    return calls


def page_dms(fake: FakeSlack, user: str) -> list[dict[str, Any]]:
    return [m for m in fake.dms(user) if "You are paged" in m.get("text", "")]


def stage_alerts(fake: FakeSlack, channel_id: str) -> list[dict[str, Any]]:
    """The incident channel's "every stage went unanswered" messages."""
    return [m for m in fake.messages(channel_id) if "Every stage" in m.get("text", "")]


async def declare_over_http(
    opener: SlackSender, submitter: SlackSender, user: str, channel_id: str, title: str
) -> Channel:
    """``/incident declare`` through one process, the modal submitted through another."""
    fake = opener.fake
    view = await new_modal(
        fake,
        DECLARE_MODAL,
        lambda: opener.slash_command("/incident", f"declare {title}", user, channel_id),
        timeout=15,
    )
    await submitter.view_submission(user, view["id"], declare_values(title, 1, PLAN_ARN))
    return await eventually(
        lambda: next(
            (c for c in fake.channels.values() if c.name.startswith("inc-") and c.pins), None
        ),
        timeout=15,
    )
