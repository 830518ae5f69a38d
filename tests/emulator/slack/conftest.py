"""A plain slack_sdk client of the local Slack (the suite's ``slack`` fixture), with no retry on
a 429: a test sees Slack's answer as it is."""

from __future__ import annotations

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from emulator.slack import RunningFakeSlack


@pytest.fixture
def client(slack: RunningFakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token="xoxb-test", base_url=slack.api_url)
