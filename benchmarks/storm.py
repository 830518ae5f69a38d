"""An alarm storm: how late escalation stages start when a thousand fall due at once.

Black box: the real bot process (``incident-bot run``, SQLite) over HTTP, the local emulator
timestamping every ``StartEngagement`` it receives, and the local Slack recording everything.
The benchmark declares ``--incidents`` incidents through Slack and pages ``--plans`` two-stage
escalation plans in each (one escalation per incident and plan). Every stage 1 starts within a
few seconds; stage 2 falls due ``--stage-seconds`` later. It reports each stage 2's lateness
(its due time, read from the bot's store, → its StartEngagement received), that every stage ran
exactly once, the bot's peak RSS, and how fast ``/incident help`` was acked during the storm.

    .venv/bin/python -m benchmarks.storm [--incidents 20] [--plans 50] [--stage-seconds 60]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import yaml
from prometheus_client.parser import text_string_to_metric_families

from benchmarks.common import percentiles
from bot.logs import configure
from emulator.seed import EXAMPLE, load_seed
from emulator.slack import FakeSlack, RunningFakeSlack, SlackSender
from emulator.testing import RunningEmulator, free_port
from tests.processes import BotProcess, Engaged, bot_env, timing_start_engagement
from tests.support import DECLARE_MODAL, PLAN_ARN, declare_values, eventually, new_modal

SECRET = "storm-secret"
PAGES_IN_FLIGHT = 50
HELPS_PER_SECOND = 10


def storm_seed(path: Path, plans: int) -> Path:
    """``plans`` escalation plans, each paging its own two responders (one a stage)."""
    people = [
        {
            "alias": f"responder-{k}-{s}",
            "channels": [{"type": "EMAIL", "address": f"responder-{k}-{s}@example.com"}],
            "engagement_plan": [{"minutes": 0, "channels": [0]}],
        }
        for k in range(plans)
        for s in (1, 2)
    ]
    escalation_plans = [
        {
            "alias": f"storm-{k}",
            "stages": [
                {"minutes": 1, "targets": [{"contact": f"responder-{k}-1", "essential": True}]},
                {"minutes": 30, "targets": [{"contact": f"responder-{k}-2", "essential": True}]},
            ],
        }
        for k in range(plans)
    ]
    path.write_text(yaml.safe_dump({"people": people, "escalation_plans": escalation_plans}))
    return path


async def declare(sender: SlackSender, user: str, ops: str, title: str) -> str:
    """Declare an incident through Slack; its channel once the card is pinned."""
    fake = sender.fake
    before = {c.id for c in fake.channels.values() if c.pins}
    view = await new_modal(
        fake,
        DECLARE_MODAL,
        lambda: sender.slash_command("/incident", f"declare {title}", user, ops),
    )
    await sender.view_submission(user, view["id"], declare_values(title, 1, PLAN_ARN))
    return await eventually(
        lambda: next((c.id for c in fake.channels.values() if c.pins and c.id not in before), None),
        timeout=60,
    )


def stage_dues(database: Path, stage_seconds: float) -> dict[tuple[str, str], float]:
    """(incident, plan) → when its stage 2 is due (epoch s), from the bot's own rows."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        rows = connection.execute(
            "SELECT incident_arn, contact_alias, stage_started_at FROM escalations "
            "WHERE current_stage = 0"
        ).fetchall()
    return {
        (arn, alias): _epoch(started) + stage_seconds
        for arn, alias, started in rows
        if started is not None
    }


def _epoch(stored: str) -> float:
    when = datetime.fromisoformat(stored)
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def help_acks(sender: SlackSender, user: str, ops: str, stop: asyncio.Event) -> list[float]:
    """``/incident help`` ``HELPS_PER_SECOND`` times a second (each on its own) until ``stop``."""
    samples: list[float] = []

    async def one() -> None:
        started = time.perf_counter()
        answer = await sender.slash_command("/incident", "help", user, ops)
        samples.append(time.perf_counter() - started)
        assert answer.status == 200, answer.body

    sent: list[asyncio.Task[None]] = []
    while not stop.is_set():
        sent.append(asyncio.create_task(one()))
        await asyncio.sleep(1 / HELPS_PER_SECOND)
    await asyncio.gather(*sent)
    return samples


async def bot_metrics(port: int) -> dict[str, float]:
    """The bot's /metrics samples, by name and labels."""
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{port}/metrics") as response,
    ):
        text = await response.text()
    return {
        sample.name + str(sorted(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def mean_ms(metrics: dict[str, float], name: str, labels: str = "[]") -> str:
    count = metrics.get(f"{name}_count{labels}", 0.0)
    return f"{metrics.get(f'{name}_sum{labels}', 0.0) / count * 1000:.0f} ms" if count else "-"


def stage_twos(engaged: list[Engaged]) -> dict[tuple[str, str], float]:
    """(incident, plan) → when its stage 2 StartEngagement arrived."""
    return {
        (call.incident_arn, "storm-" + call.alias.split("-")[1]): call.at
        for call in engaged
        if call.alias.endswith("-2")
    }


async def main(incidents: int, plans: int, stage_seconds: float) -> None:
    escalations = incidents * plans
    with tempfile.TemporaryDirectory(prefix="storm-") as tmp, RunningEmulator(seed=EXAMPLE) as aws:
        workdir = Path(tmp)
        load_seed(aws.emulator, storm_seed(workdir / "storm.yml", plans))
        engaged = timing_start_engagement(aws)
        async with RunningFakeSlack() as slack:
            fake: FakeSlack = slack.fake
            for k in range(plans):
                for s in (1, 2):
                    fake.add_user(f"responder-{k}-{s}", email=f"responder-{k}-{s}@example.com")
            user = fake.add_user("dana", email="dana@example.com")
            ops = fake.add_channel("ops", members=[user])
            database = workdir / "bot.db"
            env = bot_env(
                slack.api_url,
                aws.url,
                f"sqlite:///{database}",
                SECRET,
                TIME_SCALE=str(stage_seconds),  # a plan minute lasts this long
                MIRROR_INTERVAL_SECONDS="3600",
                LOG_LEVEL="WARNING",
            )
            bot = BotProcess(env, free_port(), workdir / "bot.log")
            await bot.start()
            assert bot.process is not None
            sender = SlackSender(f"http://127.0.0.1:{bot.port}/slack/events", SECRET, fake)
            try:
                channels = [
                    await declare(sender, user, ops, f"Storm {i}") for i in range(incidents)
                ]
                gate = asyncio.Semaphore(PAGES_IN_FLIGHT)

                async def page(channel: str, plan: int) -> None:
                    async with gate:
                        answer = await sender.slash_command(
                            "/incident", f"page storm-{plan}", user, channel
                        )
                        assert answer.status == 200, answer.body

                paging = time.perf_counter()
                await asyncio.gather(*(page(c, k) for c in channels for k in range(plans)))
                await eventually(
                    lambda: sum(call.alias.endswith("-1") for call in engaged) >= escalations,
                    timeout=max(60.0, stage_seconds),
                )
                paged = time.perf_counter() - paging
                dues = await eventually(
                    lambda: (
                        (d := stage_dues(database, stage_seconds)) and len(d) == escalations and d
                    ),
                    timeout=stage_seconds,
                )
                stop = asyncio.Event()
                helps = asyncio.create_task(help_acks(sender, user, ops, stop))
                await eventually(
                    lambda: len(stage_twos(engaged)) >= escalations,
                    timeout=stage_seconds * 2 + 120,
                )
                stop.set()
                help_samples = await helps
                await asyncio.sleep(1.0)  # room for a duplicate to show itself
                rss = peak_rss_mb(bot.process.pid)
                metrics = await bot_metrics(bot.port)
                slack_calls = Counter(call.method for call in fake.calls)
            finally:
                await bot.stop()

        starts = stage_twos(engaged)
        lateness = [max(0.0, starts[key] - due) for key, due in dues.items()]
        twice = [
            key for key, n in Counter((c.incident_arn, c.alias) for c in engaged).items() if n > 1
        ]
        spread = max(dues.values()) - min(dues.values())
        print(
            f"{escalations} escalations ({incidents} incidents x {plans} two-stage plans) on "
            f"{os.cpu_count()} cores; stage 1 of all started within {paged:.1f} s"
        )
        print(f"stage 2 due within {spread:.1f} s of each other")
        print(f"stage 2 lateness (due → StartEngagement): {percentiles(lateness)}")
        print(
            f"every stage exactly once: {not twice and len(engaged) == 2 * escalations} "
            f"({len(engaged)} StartEngagement calls, {len(twice)} repeated)"
        )
        print(f"bot peak RSS: {rss:.0f} MB")
        print(f"/incident help ack during the storm: {percentiles(help_samples)}")
        timer = "incident_bot_stage_lateness_seconds"
        aws_call = "incident_bot_aws_call_seconds"
        print(
            f"inside the bot: stage timers fired {mean_ms(metrics, timer)} late on average; "
            + ", ".join(
                f"{op} {mean_ms(metrics, aws_call, str([('operation', op)]))}"
                for op in ("get_incident_record", "list_pages_by_engagement", "start_engagement")
            )
            + " per AWS call on average"
        )
        print(
            "Slack calls: "
            + ", ".join(f"{method} {n}" for method, n in slack_calls.most_common() if n > 1)
        )


if __name__ == "__main__":
    configure("ERROR")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=20)
    parser.add_argument("--plans", type=int, default=50)
    parser.add_argument("--stage-seconds", type=float, default=60.0)
    args = parser.parse_args()
    asyncio.run(main(args.incidents, args.plans, args.stage_seconds))
