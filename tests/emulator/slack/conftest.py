"""The local Slack served on a loopback port, and a plain slack_sdk client of it (no retry on
a 429: a test sees Slack's answer as it is)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from emulator.slack import RunningFakeSlack


@pytest.fixture
async def running() -> AsyncIterator[RunningFakeSlack]:
    async with RunningFakeSlack() as running:
        yield running


@pytest.fixture
def client(running: RunningFakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token="xoxb-test", base_url=running.api_url)
