"""What end-to-end tests share: the ``Stack`` they drive and a poller for async outcomes."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.app import Services
from emulator.slack import FakeSlack, SlackSender
from emulator.testing import RunningEmulator

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Stack:
    """What an end-to-end test sees: both outside worlds and the bot between them."""

    slack: FakeSlack
    sender: SlackSender
    emulator: RunningEmulator
    services: Services
    url: str

    def aws(self, service: str = "ssm-incidents") -> Any:
        """A boto3 client on the emulator, to read what Incident Manager now holds."""
        return self.emulator.client(service)


async def eventually(
    probe: Callable[[], T] | Callable[[], Awaitable[T]], timeout: float = 5.0
) -> T:
    """Polls ``probe`` until it returns something truthy (the bot works after its ack)."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result  # type: ignore[return-value]
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s: {probe}")
        await asyncio.sleep(0.02)


def declare_values(
    title: str, impact: int, plan_arn: str, summary: str = "", channel: bool = True
) -> dict[str, dict[str, dict[str, Any]]]:
    """The state Slack sends when a person fills in the declare modal."""
    option = {"text": {"type": "plain_text", "text": "Create an incident channel"}, "value": "yes"}
    return {
        "title_block": {"title": {"type": "plain_text_input", "value": title}},
        "impact_block": {
            "impact": {"type": "static_select", "selected_option": {"value": str(impact)}}
        },
        "plan_block": {
            "response_plan": {"type": "static_select", "selected_option": {"value": plan_arn}}
        },
        "summary_block": {"summary": {"type": "plain_text_input", "value": summary or None}},
        "channel_block": {
            "create_channel": {
                "type": "checkboxes",
                "selected_options": [option] if channel else [],
            }
        },
    }
