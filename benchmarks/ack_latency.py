"""How fast incident-bot answers Slack, measured end to end over HTTP on this machine.

Runs the bot's real web app against the local emulator and the local Slack, sends signed
requests as Slack does, and reports latency percentiles of the HTTP answer (the ack Slack
waits at most 3 s for) for `/incident help` and for a slash command that goes on to call
AWS (`/incident note`), with N requests in flight at once. It also reports how long the
note takes to reach Incident Manager (ack → event stored).

    .venv/bin/python -m benchmarks.ack_latency [--requests 300] [--concurrency 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time

from benchmarks.common import declare_bench_incident, percentiles
from bot.local import local_stack
from bot.logs import configure
from emulator.slack import SlackSender
from tests.support import eventually

SECRET = "bench-secret"


async def measure(
    sender: SlackSender, text: str, user: str, channel: str, requests: int, concurrency: int
) -> list[float]:
    gate = asyncio.Semaphore(concurrency)
    samples: list[float] = []

    async def one(index: int) -> None:
        async with gate:
            started = time.perf_counter()
            answer = await sender.slash_command("/incident", text.format(index), user, channel)
            samples.append(time.perf_counter() - started)
            assert answer.status == 200, answer.body

    await asyncio.gather(*(one(i) for i in range(requests)))
    return samples


async def main(requests: int, concurrency: int) -> None:
    async with local_stack(SECRET, mirror_interval_seconds=3600) as local:
        aws, sender = local.aws, local.sender
        bench = await declare_bench_incident(local)
        user, ops, arn = bench.user, bench.ops, bench.arn

        print(f"{requests} requests, {concurrency} in flight, on {os.cpu_count()} cores")
        help_samples = await measure(sender, "help", user, ops, requests, concurrency)
        print(f"/incident help      ack: {percentiles(help_samples)}")
        started = time.perf_counter()
        note_samples = await measure(
            sender, "note bench {}", user, bench.channel, requests, concurrency
        )
        print(f"/incident note      ack: {percentiles(note_samples)}")
        await eventually(
            lambda: (
                sum(e["eventType"] == "Custom Event" for e in aws.incidents.events[arn].values())
                > requests
            ),
            timeout=120,
        )
        elapsed = time.perf_counter() - started
        print(
            f"all {requests} notes stored in Incident Manager after {elapsed:.2f} s "
            f"({requests / elapsed:.0f} notes/s)"
        )
        print(
            f"slowest ack: {max(help_samples + note_samples) * 1000:.0f} ms "
            f"(Slack's limit: 3000 ms)"
        )


if __name__ == "__main__":
    configure("ERROR")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(main(args.requests, args.concurrency))
