"""Two bot replicas on one PostgreSQL: an incident started by an alarm gets one channel, and
its resolution in AWS is said, with the export offered, once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from emulator.slack import RunningFakeSlack
from emulator.testing import RunningEmulator, free_port
from tests.postgres import needs_postgres
from tests.processes import BotProcess, bot_env
from tests.support import PLAN_ARN, eventually

pytestmark = needs_postgres


async def test_an_alarm_started_incident_gets_one_channel_and_one_offer_with_two_replicas(
    postgres: str, emulator: RunningEmulator, slack: RunningFakeSlack, tmp_path: Path
) -> None:
    fake = slack.fake
    env = bot_env(slack.api_url, emulator.url, postgres, "secret", SYNC_INTERVAL_SECONDS="0.3")
    replicas = [BotProcess(env, free_port(), tmp_path / f"replica-{n}.log") for n in (1, 2)]
    for replica in replicas:
        await replica.start()
    aws = emulator.client("ssm-incidents")
    try:
        arn = aws.start_incident(
            responsePlanArn=PLAN_ARN,
            title="Checkout 5xx above 5%",
            triggerDetails={
                "source": "aws.cloudwatch",
                "triggerArn": "arn:aws:cloudwatch:us-east-1:111122223333:alarm:checkout-5xx",
                "timestamp": datetime.now(UTC),
            },
        )["incidentRecordArn"]
        channel = await eventually(
            lambda: next(
                (c for c in fake.channels.values() if c.name.startswith("inc-") and c.pins), None
            ),
            timeout=15,
        )
        await asyncio.sleep(1.5)  # several sync rounds
        aws.update_incident_record(arn=arn, status="RESOLVED")  # the console
        await eventually(lambda: offers(fake.messages(channel.id)), timeout=15)
        await asyncio.sleep(1.5)
    finally:
        for replica in replicas:
            await replica.stop()

    assert [c.name for c in fake.channels.values() if c.name.startswith("inc-")] == [channel.name]
    cards = [m for m in fake.messages(channel.id) if "CloudWatch alarm" in str(m.get("blocks"))]
    assert len(cards) == 1 and len(channel.pins) == 1
    messages = fake.messages(channel.id)
    assert [m["text"] for m in messages if "in AWS" in m.get("text", "")] == [
        ":pencil2: Resolved in AWS"
    ]
    assert len(offers(messages)) == 1


def offers(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The export and archiving offered."""
    return [m for m in messages if "Archive channel" in str(m.get("blocks"))]
