"""``/incident help`` acked by incident-bot against a bare Bolt app doing the same work.

Starts both as processes (``incident-bot run`` on SQLite, and ``benchmarks.bare_bolt``, which
acks and responds with a text as long as the bot's help), against the same local Slack, and
sends each ``--requests`` slash commands, ``--in-flight`` at a time, in interleaved rounds (which
app goes first alternates), after a warm-up round of each that is not counted, so both see the
same machine load. One noisy moment must not decide the comparison, so besides each one's ack
latency over the whole run and the ratio of their p99, it prints every round's p99 ratio, their
median and spread (and the same for p50, which moves less), and the machine's load average
before and after.

    .venv/bin/python -m benchmarks.acks [--requests 4000] [--in-flight 50] [--rounds 20]
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

from benchmarks.ack_latency import measure
from benchmarks.common import command_line, percentiles
from emulator.seed import EXAMPLE
from emulator.slack import FakeSlack, RunningFakeSlack, SlackSender
from emulator.testing import RunningEmulator, free_port
from tests.processes import ROOT, BotProcess, bot_env

SECRET = "acks-secret"


def quantile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def load_average() -> str:
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


def spread(ratios: list[float]) -> str:
    """The median of the rounds' ratios, their quartiles and range, and how many are ≤ 1.2."""
    low, _, high = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else ratios * 3
    return (
        f"median {statistics.median(ratios):.2f}, quartiles {low:.2f} to {high:.2f}, "
        f"range {min(ratios):.2f} to {max(ratios):.2f}, "
        f"{sum(r <= 1.2 for r in ratios)} of {len(ratios)} rounds ≤ 1.2"
    )


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
            ratios: dict[float, list[float]] = {0.99: [], 0.5: []}
            per_round = max(1, requests // rounds)
            loads = [load_average()]
            try:
                for sender in (to_bot, to_bare):  # warm-up, not counted
                    await measure(sender, "help", user, ops, per_round, in_flight)
                for index in range(rounds):
                    on_bot, on_bare = (to_bot, to_bare) if index % 2 == 0 else (to_bare, to_bot)
                    first = await measure(on_bot, "help", user, ops, per_round, in_flight)
                    second = await measure(on_bare, "help", user, ops, per_round, in_flight)
                    bot_round, bare_round = (first, second) if on_bot is to_bot else (second, first)
                    bot_samples += bot_round
                    bare_samples += bare_round
                    for q, kept in ratios.items():
                        kept.append(quantile(bot_round, q) / quantile(bare_round, q))
                    print(
                        f"round {index + 1:2}: p50 / p99 incident-bot {_ms(bot_round)}, "
                        f"bare Bolt {_ms(bare_round)}, p99 ratio {ratios[0.99][-1]:.2f}"
                    )
            finally:
                loads.append(load_average())
                await bare.stop()
                await bot.stop()
        print(
            f"{len(bot_samples)} /incident help each, {in_flight} in flight, {rounds} interleaved "
            f"rounds, on {os.cpu_count()} cores, load average {loads[0]} before, {loads[1]} after"
        )
        print(f"incident-bot ack: {percentiles(bot_samples)}")
        print(f"bare Bolt ack:    {percentiles(bare_samples)}")
        whole = quantile(bot_samples, 0.99) / quantile(bare_samples, 0.99)
        print(f"p99 ratio (incident-bot / bare Bolt): {whole:.2f}")
        print(f"per-round p99 ratio: {spread(ratios[0.99])}")
        print(f"per-round p50 ratio: {spread(ratios[0.5])}")


def _ms(samples: list[float]) -> str:
    return f"{quantile(samples, 0.5) * 1000:5.1f} / {quantile(samples, 0.99) * 1000:6.1f} ms"


async def _responses(fake: FakeSlack) -> list[dict]:
    while not (found := [c.args for c in fake.calls_to("response_url")]):
        await asyncio.sleep(0.01)
    return found


if __name__ == "__main__":
    parser = command_line(__doc__)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--in-flight", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(main(args.requests, args.in_flight, args.rounds))
