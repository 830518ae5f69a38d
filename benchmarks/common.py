"""What the benchmarks share: their command line, a declared incident to work on, and
percentiles."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from bot.local import LocalStack
from bot.logs import configure
from tests.support import DECLARE_MODAL, PLAN_ARN, declare_values, eventually, new_modal


def command_line(doc: str | None) -> argparse.ArgumentParser:
    """A benchmark's command line, described by its module docstring's first paragraph; the
    bot's logs kept to errors, so that the numbers stand out."""
    configure("ERROR")
    return argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])


@dataclass(frozen=True)
class BenchIncident:
    user: str  # who declared it
    ops: str  # the channel it was declared from
    channel: str  # the incident's own channel
    arn: str


async def declare_bench_incident(local: LocalStack) -> BenchIncident:
    """Declare one incident through Slack, as a responder would, and wait for its channel."""
    fake = local.slack.fake
    user = fake.add_user("bench", email="bench@example.com")
    ops = fake.add_channel("ops", members=[user])
    view = await new_modal(
        fake,
        DECLARE_MODAL,
        lambda: local.sender.slash_command("/incident", "declare Bench", user, ops),
    )
    await local.sender.view_submission(user, view["id"], declare_values("Bench", 3, PLAN_ARN))
    channel = await eventually(lambda: next((c for c in fake.channels.values() if c.pins), None))
    records = local.aws.client("ssm-incidents").list_incident_records()["incidentRecordSummaries"]
    return BenchIncident(user, ops, channel.id, records[0]["arn"])


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    return (
        f"p50 {pick(0.50):7.1f} ms   p95 {pick(0.95):7.1f} ms   p99 {pick(0.99):7.1f} ms   "
        f"max {max(ordered) * 1000:7.1f} ms"
    )
