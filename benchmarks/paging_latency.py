"""How fast a page reaches a person in Slack, and how fast their Acknowledge reaches AWS.

Runs the whole stack on this machine (the bot's real web app, the local emulator, the local
Slack) and pages one person again and again, one page at a time, measuring for each:

- `/incident page` sent → the person's DM with the Acknowledge button (StartEngagement, the
  page's rows and the DM in between);
- Acknowledge pressed → the bot's HTTP answer (what Slack waits for);
- Acknowledge pressed → the page marked read in Incident Manager (AcceptPage).

    .venv/bin/python -m benchmarks.paging_latency [--pages 50]
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable

from benchmarks.common import command_line, declare_bench_incident, percentiles
from bot.local import local_stack

SECRET = "bench-secret"


async def until(condition: Callable[[], object], timeout: float = 30.0) -> None:
    """Poll finely (1 ms), so the wait adds little to what is measured."""
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the stack did not get there in time")
        await asyncio.sleep(0.001)


async def main(pages: int) -> None:
    # a plan minute lasts a real minute: no reminder or later stage runs during the benchmark
    async with local_stack(SECRET, time_scale=60, mirror_interval_seconds=3600) as local:
        fake, sender = local.slack.fake, local.sender
        bench = await declare_bench_incident(local)
        alice = fake.add_user("alice", email="alice@example.com")  # linked by her EMAIL channel
        contacts = local.aws.contacts

        def dms() -> list[dict]:
            return fake.dms(alice)  # each page is one DM (acknowledging edits it in place)

        def read() -> int:
            return sum(1 for page in contacts.pages.values() if page.get("ReadTime"))

        to_dm: list[float] = []
        ack_answer: list[float] = []
        to_accepted: list[float] = []
        for index in range(pages):
            started = time.perf_counter()
            await sender.slash_command("/incident", "page alice", bench.user, bench.channel)
            await until(lambda: len(dms()) > index)  # noqa: B023 (awaited in this iteration)
            to_dm.append(time.perf_counter() - started)

            page = dms()[-1]
            already = read()
            started = time.perf_counter()
            answer = await sender.press(alice, page, "page_acknowledge")
            ack_answer.append(time.perf_counter() - started)
            assert answer.status == 200, answer.body
            await until(lambda: read() > already)  # noqa: B023
            to_accepted.append(time.perf_counter() - started)

        print(f"{pages} pages, one at a time, on {os.cpu_count()} cores")
        print(f"/incident page → DM with Acknowledge:  {percentiles(to_dm)}")
        print(f"Acknowledge → HTTP answer:             {percentiles(ack_answer)}")
        print(f"Acknowledge → AcceptPage in AWS:       {percentiles(to_accepted)}")


if __name__ == "__main__":
    parser = command_line(__doc__)
    parser.add_argument("--pages", type=int, default=50)
    asyncio.run(main(parser.parse_args().pages))
