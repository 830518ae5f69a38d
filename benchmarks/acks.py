"""``/incident help`` acked by incident-bot against a bare Bolt app doing the same work.

Starts both as processes (``incident-bot run`` on SQLite, and ``benchmarks.bare_bolt``, which
acks and responds with a text as long as the bot's help), against the same local Slack, and
sends each ``--requests`` slash commands, ``--in-flight`` at a time, in interleaved rounds, so
both see the same machine load. Reports each one's ack latency and the ratio of their p99.

    .venv/bin/python -m benchmarks.acks [--requests 1000] [--in-flight 50] [--rounds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path

from benchmarks.ack_latency import measure
from benchmarks.common import percentiles
from bot.logs import configure
from emulator.seed import EXAMPLE
from emulator.slack import FakeSlack, RunningFakeSlack, SlackSender
from emulator.testing import RunningEmulator, free_port
from tests.processes import ROOT, BotProcess, bot_env

SECRET = "acks-secret"


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


class BareBolt(BotProcess):
    """``benchmarks.bare_bolt`` as a process, started and stopped like the bot."""

    def __init__(self, api_url: str, response_chars: int, port: int, log: Path) -> None:
        super().__init__({**os.environ, "PYTHONPATH": str(ROOT)}, port, log)
        self.arguments = [str(port), SECRET, api_url, str(response_chars)]

    def command(self) -> list[str]:
        return [sys.executable, "-m", "benchmarks.bare_bolt", *self.arguments]


async def main(requests: int, in_flight: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory(prefix="acks-") as tmp, RunningEmulator(seed=EXAMPLE) as aws:
        workdir = Path(tmp)
        async with RunningFakeSlack() as slack:
            fake = slack.fake
            user = fake.add_user("dana", email="dana@example.com")
            ops = fake.add_channel("ops", members=[user])
            env = bot_env(
                slack.api_url,
                aws.url,
                f"sqlite:///{workdir / 'bot.db'}",
                SECRET,
                MIRROR_INTERVAL_SECONDS="3600",
                LOG_LEVEL="WARNING",
            )
            bot = BotProcess(env, free_port(), workdir / "bot.log")
            await bot.start()
            to_bot = SlackSender(f"http://127.0.0.1:{bot.port}/slack/events", SECRET, fake)
            await to_bot.slash_command("/incident", "help", user, ops)
            [answer] = await asyncio.wait_for(_responses(fake), 10)
            bare = BareBolt(slack.api_url, len(json.dumps(answer)), free_port(), workdir / "b.log")
            await bare.start()
            to_bare = SlackSender(f"http://127.0.0.1:{bare.port}/slack/events", SECRET, fake)
            bot_samples: list[float] = []
            bare_samples: list[float] = []
            try:
                per_round = max(1, requests // rounds)
                for _ in range(rounds):
                    for sender, samples in ((to_bot, bot_samples), (to_bare, bare_samples)):
                        samples += await measure(sender, "help", user, ops, per_round, in_flight)
            finally:
                await bare.stop()
                await bot.stop()
        print(
            f"{len(bot_samples)} /incident help each, {in_flight} in flight, {rounds} interleaved "
            f"rounds, on {os.cpu_count()} cores"
        )
        print(f"incident-bot ack: {percentiles(bot_samples)}")
        print(f"bare Bolt ack:    {percentiles(bare_samples)}")
        print(f"p99 ratio (incident-bot / bare Bolt): {p99(bot_samples) / p99(bare_samples):.2f}")


async def _responses(fake: FakeSlack) -> list[dict]:
    while not (found := [c.args for c in fake.calls_to("response_url")]):
        await asyncio.sleep(0.01)
    return found


if __name__ == "__main__":
    configure("ERROR")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--in-flight", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    asyncio.run(main(args.requests, args.in_flight, args.rounds))
