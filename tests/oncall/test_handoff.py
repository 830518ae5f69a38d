"""The shift hand-off: a DM to the person coming on call and a line in ONCALL_CHANNEL, sent
once across restarts (the in-process bot restarted on the same database)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.local import LocalBot, local_bot
from bot.store.schema import Handoff
from emulator.slack import RunningFakeSlack
from emulator.slack.workspace import BOT_USER
from emulator.testing import RunningEmulator
from tests.oncall.conftest import daily_schedule
from tests.support import BOT_TOKEN, SIGNING_SECRET, Stack, eventually

NOTICE_MINUTES = 0.1  # 6 s before the shift starts


def handoff_dms(slack: RunningFakeSlack, user: str) -> list[dict[str, Any]]:
    return [m for m in slack.fake.dms(user) if "You are on call for" in m.get("text", "")]


async def test_the_hand_off_is_sent_once_across_restarts(
    emulator: RunningEmulator,
    slack: RunningFakeSlack,
    aws_env: Callable[[str], None],
    tmp_path: Path,
) -> None:
    aws_env(emulator.url)
    fake = slack.fake
    bob = fake.add_user("bob", email="bob@example.com")
    alice = fake.add_user("alice", email="alice@example.com")
    channel = fake.add_channel("oncall", members=[bob, alice, BOT_USER])

    def bot() -> AbstractAsyncContextManager[LocalBot]:
        return local_bot(
            slack_bot_token=BOT_TOKEN,
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=slack.api_url,
            database_url=f"sqlite:///{tmp_path / 'bot.db'}",
            oncall_channel=channel,
            handoff_notice_minutes=NOTICE_MINUTES,
            handoff_check_seconds=0.3,
        )

    stack = Stack(fake, None, emulator, None, "")  # type: ignore[arg-type]
    daily_schedule(stack, "payments", ["alice", "bob"], hand_off_in=9)

    async with bot() as first:  # writes bob's hand-off row, then stops before it is due

        async def written() -> list[Handoff]:
            async with first.services.database.session() as session:
                return list((await session.scalars(select(Handoff))).all())

        [row] = await eventually(written)
    assert handoff_dms(slack, bob) == []

    async with bot():  # sends it when due
        [dm] = await eventually(lambda: handoff_dms(slack, bob), timeout=10)
    async with bot():  # runs its look-ahead and timers until the shift starts
        await asyncio.sleep(max(0.0, row.shift_start - time.time()) + 0.5)

    start, end = int(row.shift_start), int(row.shift_end)
    assert dm["text"].startswith(":pager: You are on call for *Payments* (`payments`) from ")
    assert f"<!date^{start}^" in dm["text"] and f"<!date^{end}^" in dm["text"]
    assert dm["text"].endswith("; no incident is open.")
    assert [
        e["text"]["text"] for b in dm["blocks"] if b["type"] == "actions" for e in b["elements"]
    ] == ["Cover for me"]
    assert len(handoff_dms(slack, bob)) == 1 and handoff_dms(slack, alice) == []
    lines = [m for m in fake.messages(channel) if "is on call for" in m.get("text", "")]
    assert len(lines) == 1 and lines[0]["text"].startswith(
        f":arrows_counterclockwise: <@{bob}> is on call"
    )
