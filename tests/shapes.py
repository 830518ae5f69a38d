"""Recorded message shapes (tests/message_shapes/*.json, written from Slack's documented
payloads) and what each must read as once it leaves Slack."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emulator.slack import FakeSlack

SHAPES = Path(__file__).parent / "message_shapes"


@dataclass(frozen=True)
class Reading:
    """What a shape must become: its author's name, readable text, headline and links."""

    author: str
    text: str
    headline: str
    links: tuple[str, ...]


GRAFANA = "https://grafana.example.com/d/db?from=now-1h&to=now"
ALARM = "https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/orders-5xx"
MONITOR = "https://app.datadoghq.com/monitors/123456"
SCREENSHOT = "https://fake.slack.local/files/U0RIVERA01/F0SCREEN01/replica-lag.png"
PULL = "https://github.example.com/shop/pull/77"

READINGS = {
    "rich_text_only": Reading(
        "Rivera",
        f"@Sam the primary in #db-ops is failing over, see the DB board ({GRAFANA})\n"
        "```\nERROR: replica lag 40s > 5s\n```\n> failover complete\n- drain orders :warning:",
        f"@Sam the primary in #db-ops is failing over, see the DB board ({GRAFANA})",
        (GRAFANA,),
    ),
    "app_alert_blocks": Reading(
        "Amazon Q Developer",
        "CloudWatch Alarm | orders-5xx | us-east-1\n"
        f"*ALARM*: 5XX errors > 50 for 5 minutes. View alarm ({ALARM})\n"
        "*Account*\n111122223333\n*Region*\nus-east-1\n"
        "Amazon CloudWatch | Nov 14, 2023 10:13 PM UTC",
        "CloudWatch Alarm | orders-5xx | us-east-1",
        (ALARM,),
    ),
    "app_attachments": Reading(
        "Datadog",
        "Triggered: *[P2] p99 latency > 2s on checkout*\n"
        f"[Triggered] p99 latency on checkout ({MONITOR})\n"
        "p99 latency is 2.4s, above 2s. Notify @Rivera\nService: checkout\nEnv: prod",
        "Triggered: *[P2] p99 latency > 2s on checkout*",
        (MONITOR,),
    ),
    "file_share": Reading(
        "Rivera", f"File: replica lag ({SCREENSHOT})", "File: replica lag", (SCREENSHOT,)
    ),
    "bot_message": Reading(
        "Deploy Bot",
        "Deploy 4521 of checkout finished & healthy",
        "Deploy 4521 of checkout finished & healthy",
        (),
    ),
    "grid_user": Reading(
        "Sam",
        f"@Rivera rollback of PR 77 ({PULL}) done; p99 < 300ms now",
        f"@Rivera rollback of PR 77 ({PULL}) done; p99 < 300ms now",
        (PULL,),
    ),
}


def shape(name: str) -> dict[str, Any]:
    return json.loads((SHAPES / f"{name}.json").read_text())


def furnish(fake: FakeSlack) -> None:
    """The people, apps and channel the shapes mention, under the ids they carry."""
    fake.add_user("rivera", user_id="U0RIVERA01")
    fake.add_user("sam", user_id="W0GRID0SAM")  # an Enterprise Grid id
    fake.add_user("aws", user_id="U0AMAZONQ1", is_bot=True)  # the app's bot user, not its name
    fake.add_bot("Deploy Bot", bot_id="B0DEPLOYER")
    fake.add_channel("db-ops", channel_id="C0FIX0DBOPS")
