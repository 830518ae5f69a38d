"""The local Slack paces like Slack: each method at its tier, posts per channel and across the
workspace, Events API deliveries per hour; on unless a test says why it turns it off."""

from __future__ import annotations

import asyncio
import logging
import math

import pytest
from aiohttp import web
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from emulator.slack import RunningFakeSlack, SlackSender, limits
from emulator.slack.pace import SlackPace
from emulator.slack.workspace import BOT_USER
from emulator.testing import free_port


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("method", sorted(limits.TIERS))
def test_each_method_takes_its_burst_then_waits_its_tier(method: str) -> None:
    clock = Clock()
    pace = SlackPace(clock)
    tier = limits.TIERS[method]
    assert [pace.call(method) for _ in range(tier.burst)] == [None] * tier.burst
    retry_after = pace.call(method)
    assert retry_after == max(1, math.ceil(60 / tier.per_minute))
    clock.now += retry_after
    assert pace.call(method) is None
    assert pace.call("users.info" if method != "users.info" else "views.open") is None


def test_posts_pace_per_channel_and_across_the_workspace() -> None:
    clock = Clock()
    pace = SlackPace(clock)
    burst = limits.POSTS_PER_CHANNEL.burst
    assert [pace.call("chat.postMessage", "C1") for _ in range(burst)] == [None] * burst
    assert pace.call("chat.postMessage", "C1") == 1
    assert pace.call("chat.postMessage", "C2") is None  # another channel does not wait
    clock.now += 1
    assert pace.call("chat.postMessage", "C1") is None
    fresh = SlackPace(Clock())
    workspace = limits.POSTS_PER_WORKSPACE.burst
    answers = [fresh.call("chat.postMessage", f"D{n}") for n in range(workspace + 1)]
    assert answers == [None] * workspace + [1]  # a DM each, but the workspace's minute is spent


def test_pacing_is_turned_off_only_for_a_stated_reason(caplog: pytest.LogCaptureFixture) -> None:
    pace = SlackPace(Clock())
    with pytest.raises(ValueError, match="say why"):
        pace.pace(False, because="  ")
    assert pace.on
    with caplog.at_level(logging.WARNING):
        pace.pace(False, because="200 incidents adopted in one round")
    assert "does not pace: 200 incidents adopted in one round" in caplog.text
    assert all(pace.call("conversations.create") is None for _ in range(100))
    pace.pace(True, because="")
    assert pace.on


async def test_a_burst_is_answered_429_with_retry_after_then_waiting_it_out_succeeds(
    slack: RunningFakeSlack, client: AsyncWebClient
) -> None:
    tier = limits.TIERS["pins.add"]
    channel = slack.fake.add_channel("inc-pins", members=[BOT_USER])
    posted = [
        (await client.chat_postMessage(channel=f"{channel}", text=f"m{n}"))["ts"]
        for n in range(limits.POSTS_PER_CHANNEL.burst)
    ]
    for _ in range(tier.burst - len(posted)):
        slack.fake.pacing.call("pins.add")  # the minute's other pins
    for ts in posted:
        await client.pins_add(channel=channel, timestamp=ts)
    with pytest.raises(SlackApiError) as caught:
        await client.pins_add(channel=channel, timestamp=posted[0])
    answer = caught.value.response
    assert (answer.status_code, answer["error"]) == (429, "ratelimited")
    assert answer.headers["Retry-After"] == str(math.ceil(60 / tier.per_minute))
    [limited] = slack.fake.rate_limited_calls("pins.add")
    assert limited.retry_after == 3
    await asyncio.sleep(limited.retry_after)
    with pytest.raises(SlackApiError) as again:  # answered this time: it is pinned already
        await client.pins_add(channel=channel, timestamp=posted[0])
    assert again.value.response["error"] == "already_pinned"


async def test_posts_to_one_channel_wait_while_another_channel_goes_on(
    slack: RunningFakeSlack, client: AsyncWebClient
) -> None:
    busy = slack.fake.add_channel("inc-busy", members=[BOT_USER])
    quiet = slack.fake.add_channel("inc-quiet", members=[BOT_USER])
    for n in range(limits.POSTS_PER_CHANNEL.burst):
        await client.chat_postMessage(channel=busy, text=f"update {n}")
    with pytest.raises(SlackApiError) as caught:
        await client.chat_postMessage(channel=busy, text="one too many")
    assert caught.value.response.headers["Retry-After"] == "1"
    await client.chat_postMessage(channel=quiet, text="meanwhile")
    await asyncio.sleep(1)
    await client.chat_postMessage(channel=busy, text="after a second")
    assert [m["text"] for m in slack.fake.messages(busy)][-1] == "after a second"


async def test_past_30000_events_an_hour_the_app_is_told_and_events_held_back(
    slack: RunningFakeSlack,
) -> None:
    received: list[dict] = []

    async def bot(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.Response(text="")

    app = web.Application()
    app.router.add_post("/slack/events", bot)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        sender = SlackSender(f"http://127.0.0.1:{port}/slack/events", "s", slack.fake)
        slack.fake.pacing.spend_events(limits.EVENTS_PER_HOUR - 1)
        event = {"type": "app_home_opened", "user": "U1", "tab": "home"}
        assert (await sender.event(event)).delivered
        held = [await sender.event(event) for _ in range(3)]
    finally:
        await runner.cleanup()
    assert [d.delivered for d in held] == [False] * 3
    assert [body["type"] for body in received] == ["event_callback", "app_rate_limited"]
    notice = received[1]
    assert notice["minute_rate_limited"] % 60 == 0 and notice["team_id"] == "T0INCIDENT"
    assert [d.status for d in sender.rate_limit_notices] == [200]
