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
