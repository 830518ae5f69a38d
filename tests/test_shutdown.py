"""Stopping the bot while a listener still works after its ack: the listener gets the grace,
then is cut short and waited for before the database closes, and the log says so."""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.local import local_bot
from emulator.slack import RunningFakeSlack, SlackSender
from emulator.testing import RunningEmulator
from tests.support import BOT_TOKEN, SIGNING_SECRET, eventually

HELD = 5.0  # the local Slack holds views.open this long: past local_bot's 1 s grace


async def test_a_listener_held_past_the_grace_is_cut_short_and_nothing_is_left_open(
    emulator: RunningEmulator,
    slack: RunningFakeSlack,
    aws_env: Callable[[str], None],
    database_file: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    left_behind: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", left_behind.append)
    aws_env(emulator.url)
    fake = slack.fake
    dana = fake.add_user("dana", email="dana@example.com")
    ops = fake.add_channel("ops", members=[dana])
    fake.delay("views.open", HELD)
    async with local_bot(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack.api_url,
        database_url=f"sqlite:///{database_file}",
    ) as bot:
        sender = SlackSender(bot.events_url, SIGNING_SECRET, fake)
        await sender.slash_command("/incident", "declare Database down", dana, ops)
        await eventually(lambda: not fake.faults.delays["views.open"])  # it is being held
        assert bot.services.busy
        stopping = asyncio.get_running_loop().time()
    stopped = asyncio.get_running_loop().time() - stopping

    assert stopped < HELD - 1  # not waited out: cut short after the grace
    assert not bot.services.busy
    assert [r.message for r in caplog.records if r.levelno == logging.WARNING] == [
        "shutting down: cut short 1 listener(s) still running after the grace: "
        "slash_command /incident"
    ]
    gc.collect()
    assert left_behind == []  # no connection left for the garbage collector
