"""How fast incident-bot answers Slack, measured end to end over HTTP on this machine.

Runs the bot's real web app against the local emulator and the local Slack, sends signed
requests as Slack does, and reports latency percentiles of the HTTP answer (the ack Slack
waits at most 3 s for) for `/incident help` and for a slash command that goes on to call
AWS (`/incident note`), with N requests in flight at once. It also reports how long the
note takes to reach Incident Manager (ack → event stored), and, one at a time, how soon
`/incident declare` puts its form on screen (Slack's trigger_id lives 3 s) and fills it in.

    .venv/bin/python -m benchmarks.ack_latency [--requests 300] [--concurrency 20] [--forms 50]
"""

from __future__ import annotations

import asyncio
import os
import time

from benchmarks.common import command_line, declare_bench_incident, percentiles
from bot.local import local_stack
from emulator.slack import FakeSlack, SlackSender
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


async def form_latency(
    sender: SlackSender, fake: FakeSlack, user: str, channel: str, forms: int
) -> tuple[list[float], list[float]]:
    """``/incident declare`` sent → the form opened (views.open) and filled (views.update)."""
    opened: list[float] = []
    filled: list[float] = []
    for index in range(forms):
        seen = len(fake.calls_to("views.update"))
        started = time.perf_counter()
        await sender.slash_command("/incident", f"declare Bench {index}", user, channel)
        await eventually(lambda n=seen: len(fake.calls_to("views.update")) > n)
        opened.append(fake.calls_to("views.open")[-1].at - started)
        filled.append(fake.calls_to("views.update")[-1].at - started)
    return opened, filled


async def main(requests: int, concurrency: int, forms: int) -> None:
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
        opened, filled = await form_latency(sender, local.slack.fake, user, ops, forms)
        print(f"/incident declare → form open:   {percentiles(opened)}")
        print(f"/incident declare → form filled: {percentiles(filled)}")


if __name__ == "__main__":
    parser = command_line(__doc__)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--forms", type=int, default=50)
    args = parser.parse_args()
    asyncio.run(main(args.requests, args.concurrency, args.forms))
