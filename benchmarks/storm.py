"""An alarm storm: how late escalation stages start when a thousand fall due in one second.

Black box: the real bot process (``incident-bot run``; SQLite, or ``--database-url``) over
HTTP, the local emulator timestamping every ``StartEngagement`` it receives, and the local
Slack recording everything. The benchmark declares ``--incidents`` incidents through Slack and
pages ``--plans`` two-stage escalation plans in each (one escalation per incident and plan).

So that every stage 2 falls due in the same second, as in the issue, the pages go out in
``--batches`` batches one plan minute apart (``--minute-seconds`` real seconds, the bot's
``TIME_SCALE``), each batch some of the plans in every incident, and a plan of batch b has a
stage 1 of ``batches - b`` minutes plus a lead of ``--lead-seconds``: every stage 2 falls due
``batches`` minutes and the lead after the first batch was sent, give or take how long its
stage 1 took to start. The lead lets every stage 1 start (and most of its DMs go out) before
the stage 2s fall due. (AWS allows a stage at most 30 minutes: batches and lead fit in that.)

It reports how wide the window of stage 2 due times is (read from the bot's own rows), each
stage 2's lateness (its due time → its StartEngagement received), that every stage ran exactly
once, the bot's peak RSS, and how fast ``/incident help`` was acked during the storm.

    .venv/bin/python -m benchmarks.storm [--incidents 20] [--plans 50] [--batches 25]
        [--minute-seconds 4] [--lead-seconds 20] [--database-url postgresql://… | --postgres]
"""

from __future__ import annotations

import asyncio
import math
import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import yaml
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from benchmarks.common import command_line, percentiles
from bot.escalation.plan import load_stages
from bot.escalation.timers import next_stage_due
from bot.store.database import Database
from bot.store.schema import Escalation
from emulator.seed import EXAMPLE, load_seed
from emulator.slack import FakeSlack, RunningFakeSlack, SlackSender
from emulator.testing import RunningEmulator, free_port
from tests.postgres import running_postgres
from tests.processes import BotProcess, Engaged, bot_env, timing_start_engagement
from tests.support import DECLARE_MODAL, PLAN_ARN, declare_values, eventually, new_modal

SECRET = "storm-secret"
HELPS_PER_SECOND = 10
MAX_STAGE_MINUTES = 30  # AWS's limit on a stage's DurationInMinutes


def batch_of(plan: int, plans: int, batches: int) -> int:
    return plan * batches // plans


def storm_seed(path: Path, plans: int, batches: int, lead_minutes: int) -> Path:
    """``plans`` escalation plans, each paging its own two responders (one a stage); a plan of
    batch b has a stage 1 of ``batches - b + lead_minutes`` minutes."""
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
                {
                    "minutes": batches - batch_of(k, plans, batches) + lead_minutes,
                    "targets": [{"contact": f"responder-{k}-1", "essential": True}],
                },
                {
                    "minutes": MAX_STAGE_MINUTES,
                    "targets": [{"contact": f"responder-{k}-2", "essential": True}],
                },
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


async def stage_dues(database_url: str, time_scale: float) -> dict[tuple[str, str], float]:
    """(incident, plan) → when its stage 2 is due (epoch s), from the bot's own rows."""
    database = Database(database_url)
    try:
        async with database.session() as session:
            found = (
                await session.scalars(select(Escalation).where(Escalation.current_stage == 0))
            ).all()
    finally:
        await database.engine.dispose()
    dues = {
        (e.incident_arn, e.contact_alias): next_stage_due(e, load_stages(e.stages), time_scale)
        for e in found
    }
    return {key: due.timestamp() for key, due in dues.items() if due is not None}


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


# the AWS calls on the paging path, reported each
PAGING_CALLS = ("get_incident_record", "list_pages_by_engagement", "start_engagement")


def per_call(measure: Callable[[str], str]) -> str:
    """Each paging call with what ``measure`` says of it, one after the other."""
    return ", ".join(f"{op} {measure(op)}" for op in PAGING_CALLS)


def stage_twos(engaged: list[Engaged]) -> dict[tuple[str, str], float]:
    """(incident, plan) → when its stage 2 StartEngagement arrived."""
    return {
        (call.incident_arn, "storm-" + call.alias.split("-")[1]): call.at
        for call in engaged
        if call.alias.endswith("-2")
    }


def stage_ones(engaged: list[Engaged]) -> list[float]:
    """When each stage 1 StartEngagement arrived."""
    return [call.at for call in engaged if call.alias.endswith("-1")]


async def main(
    incidents: int,
    plans: int,
    batches: int = 25,
    minute_seconds: float = 4.0,
    lead_seconds: float = 20.0,
    database_url: str | None = None,
) -> None:
    escalations = incidents * plans
    lead_minutes = math.ceil(lead_seconds / minute_seconds)
    if not 1 <= batches <= plans or batches + lead_minutes > MAX_STAGE_MINUTES:
        raise SystemExit(
            f"--batches must be 1..{plans} (the plans) and batches + lead minutes "
            f"({batches} + {lead_minutes}) at most {MAX_STAGE_MINUTES}, AWS's longest stage"
        )
    with tempfile.TemporaryDirectory(prefix="storm-") as tmp, RunningEmulator(seed=EXAMPLE) as aws:
        workdir = Path(tmp)
        load_seed(aws.emulator, storm_seed(workdir / "storm.yml", plans, batches, lead_minutes))
        engaged = timing_start_engagement(aws)
        async with RunningFakeSlack() as slack:
            fake: FakeSlack = slack.fake
            responders = {
                f"responder-{k}-{s}": fake.add_user(
                    f"responder-{k}-{s}", email=f"responder-{k}-{s}@example.com"
                )
                for k in range(plans)
                for s in (1, 2)
            }
            user = fake.add_user("dana", email="dana@example.com")
            ops = fake.add_channel("ops", members=[user])
            database = database_url or f"sqlite:///{workdir / 'bot.db'}"
            # At Slack's pace (the bot's and the local Slack's), a thousand `/incident page` in
            # a hundred seconds would each wait for a read of the channel's members (Tier 4,
            # 100 a minute) and of the target's email (Tier 3, 50): ten minutes before the
            # storm. Dana is a responder, so no membership is read for her pages, and the
            # responders are mapped to their Slack users, so no email is looked up.
            contacts = workdir / "contacts.yml"
            contacts.write_text(yaml.safe_dump(responders))
            env = bot_env(
                slack.api_url,
                aws.url,
                database,
                SECRET,
                TIME_SCALE=str(minute_seconds),  # a plan minute lasts this long
                RESPONDER_USER_IDS=user,
                CONTACT_MAP_FILE=str(contacts),
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

                async def page(channel: str, plan: int) -> None:
                    answer = await sender.slash_command(
                        "/incident", f"page storm-{plan}", user, channel
                    )
                    assert answer.status == 200, answer.body

                paging = time.time()
                sent = []
                for k in range(plans):  # batch b at b minutes, whatever the batches before did
                    at = paging + batch_of(k, plans, batches) * minute_seconds
                    await asyncio.sleep(max(0.0, at - time.time()))
                    sent += [asyncio.create_task(page(c, k)) for c in channels]
                await asyncio.gather(*sent)
                stop = asyncio.Event()
                helps = asyncio.create_task(help_acks(sender, user, ops, stop))
                await eventually(
                    lambda: len(stage_ones(engaged)) >= escalations,
                    timeout=(batches + lead_minutes) * minute_seconds,
                )
                dues = await stage_dues(database, minute_seconds)
                first_due = datetime.fromtimestamp(min(dues.values()), UTC)
                print(f"bot pid {bot.process.pid}; stage 2 falls due at {first_due:%H:%M:%S.%f}")
                await eventually(
                    lambda: len(stage_twos(engaged)) >= escalations,
                    timeout=max(dues.values()) - time.time() + 120,
                )
                stop.set()
                help_samples = await helps
                await asyncio.sleep(1.0)  # room for a duplicate to show itself
                rss = peak_rss_mb(bot.process.pid)
                metrics = await bot_metrics(bot.port)
                slack_calls = Counter(call.method for call in fake.calls)
            finally:
                await bot.stop()

        assert len(dues) == escalations, f"{len(dues)} of {escalations} stage 2 due times read"
        starts = stage_twos(engaged)
        lateness = [max(0.0, starts[key] - due) for key, due in dues.items()]
        twice = [
            key for key, n in Counter((c.incident_arn, c.alias) for c in engaged).items() if n > 1
        ]
        spread = max(dues.values()) - min(dues.values())
        ones = stage_ones(engaged)
        print(
            f"{escalations} escalations ({incidents} incidents x {plans} two-stage plans) on "
            f"{os.cpu_count()} cores ({'SQLite' if database_url is None else 'PostgreSQL'}), "
            f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}; "
            f"stage 1 paged in {batches} batches over {(batches - 1) * minute_seconds:.0f} s, "
            f"all started within {max(ones) - paging:.1f} s"
        )
        print(
            f"stage 2 due within {spread:.2f} s of each other, "
            f"{min(dues.values()) - max(ones):.1f} s after the last stage 1 started"
        )
        print(f"stage 2 lateness (due → StartEngagement): {percentiles(lateness)}")
        first_due = min(dues.values())
        print(
            f"stage 2 StartEngagements received from {min(starts.values()) - first_due:.2f} "
            f"to {max(starts.values()) - first_due:.2f} s after the first fell due"
        )
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
            + per_call(lambda op: mean_ms(metrics, aws_call, str([("operation", op)])))
            + " per AWS call on average"
        )
        waves = metrics.get("incident_bot_stage_wave_size_count[]", 0.0)
        staged = metrics.get("incident_bot_stage_wave_size_sum[]", 0.0)
        calls = "incident_bot_aws_calls_total"
        print(
            f"due waves: {waves:.0f} of {staged / waves if waves else 0:.0f} stages on average; "
            + per_call(
                lambda op: (
                    f"{metrics.get(calls + str([('operation', op), ('outcome', 'ok')]), 0):.0f}"
                )
            )
            + " AWS calls in all"
        )
        print(
            "Slack calls: "
            + ", ".join(f"{method} {n}" for method, n in slack_calls.most_common() if n > 1)
        )


if __name__ == "__main__":
    parser = command_line(__doc__)
    parser.add_argument("--incidents", type=int, default=20)
    parser.add_argument("--plans", type=int, default=50)
    parser.add_argument("--batches", type=int, default=25, help="of pages, a minute apart")
    parser.add_argument(
        "--minute-seconds", type=float, default=4.0, help="real seconds per plan minute"
    )
    parser.add_argument(
        "--lead-seconds", type=float, default=20.0, help="last batch paged → stage 2s due"
    )
    parser.add_argument("--database-url", help="the bot's database (default: a new SQLite file)")
    parser.add_argument(
        "--postgres", action="store_true", help="on a throwaway PostgreSQL, as the tests start"
    )
    args = parser.parse_args()
    with running_postgres() if args.postgres else nullcontext(args.database_url) as url:
        asyncio.run(
            main(
                args.incidents,
                args.plans,
                args.batches,
                args.minute_seconds,
                args.lead_seconds,
                url,
            )
        )
