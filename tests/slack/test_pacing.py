"""The bot's Slack client keeps inside Slack's rate limits, as Slack sees its calls arrive."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from pathlib import Path

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.pacing import CHANNEL_BURST, POSTS, TIERS, PacedWebClient, Pacer, Rate
from emulator.slack import RunningFakeSlack, limits
from emulator.slack.workspace import BOT_USER
from tests.support import Stack

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def client(slack: RunningFakeSlack) -> PacedWebClient:
    return PacedWebClient(token="xoxb-test", base_url=slack.api_url)


def arrivals(slack: RunningFakeSlack, method: str, channel: str) -> list[float]:
    return [c.at for c in slack.fake.calls_to(method) if c.args.get("channel") == channel]


def shared_channel(slack: RunningFakeSlack, name: str) -> str:
    """A channel a person (Dana) and the bot are in."""
    return slack.fake.add_channel(name, members=[slack.fake.add_user("dana"), BOT_USER])


async def test_posts_to_one_channel_keep_about_one_a_second(
    slack: RunningFakeSlack, client: PacedWebClient
) -> None:
    channel = shared_channel(slack, "inc-storm")
    posts = CHANNEL_BURST + 3
    await asyncio.gather(
        *(client.chat_postMessage(channel=channel, text=f"update {n}") for n in range(posts))
    )

    seen = arrivals(slack, "chat.postMessage", channel)
    assert len(seen) == posts
    assert seen[-1] - seen[0] >= 3 * 0.95  # the burst at once, then one a second
    assert seen[CHANNEL_BURST - 1] - seen[0] < 0.5


async def test_posts_woken_late_by_a_stalled_loop_still_go_out_at_the_pace(
    slack: RunningFakeSlack, client: PacedWebClient
) -> None:
    channel = shared_channel(slack, "inc-stalled")
    posts = CHANNEL_BURST + 4
    sending = asyncio.gather(
        *(client.chat_postMessage(channel=channel, text=f"update {n}") for n in range(posts))
    )
    await asyncio.sleep(0.3)  # the burst is sent, the others wait for their slots
    time.sleep(posts)  # the bot's loop stalls past every slot (a long step, a starved CPU)
    await sending

    seen = arrivals(slack, "chat.postMessage", channel)
    assert len(seen) == posts  # each once: none answered 429 and sent again
    # any CHANNEL_BURST + 1 posts in a row span about a second, after the stall as before it
    spans = [later - earlier for earlier, later in zip(seen, seen[CHANNEL_BURST:], strict=False)]
    assert min(spans) >= 0.9, spans


async def test_dms_to_different_people_do_not_wait_for_each_other(
    slack: RunningFakeSlack, client: PacedWebClient
) -> None:
    fake = slack.fake
    people = [fake.add_user(f"responder{n}") for n in range(10)]
    await asyncio.gather(
        *(client.chat_postMessage(channel=p, text="You are paged") for p in people)
    )
    seen = sorted(c.at for c in fake.calls_to("chat.postMessage"))
    assert len(seen) == 10
    assert seen[-1] - seen[0] < 0.5


async def test_an_edit_gives_way_to_waiting_posts(
    slack: RunningFakeSlack, client: PacedWebClient
) -> None:
    channel = shared_channel(slack, "inc-edits")
    status = await client.chat_postMessage(channel=channel, text="Paging")
    for n in range(CHANNEL_BURST):  # the channel's burst used up: the next post waits
        await client.chat_postMessage(channel=channel, text=f"stage {n}")
    post = asyncio.create_task(client.chat_postMessage(channel=channel, text="Every stage ran"))
    await asyncio.sleep(0.05)
    await client.chat_update(channel=channel, ts=status["ts"], text="Paging (stage 2)")
    await post

    [edit] = slack.fake.calls_to("chat.update")
    assert edit.at > arrivals(slack, "chat.postMessage", channel)[-1]


def test_a_method_tier_is_paced_after_its_burst() -> None:
    rate = Rate(per_second=50 / 60, burst=50)
    waits = [rate.reserve(now=100.0) for _ in range(52)]
    assert waits[:50] == [0.0] * 50
    assert waits[50] == pytest.approx(1.2)
    assert waits[51] == pytest.approx(2.4)


async def test_the_pacer_spaces_a_tier_method() -> None:
    clock = [0.0]
    pacer = Pacer(clock=lambda: clock[0])
    per_minute, burst = TIERS["conversations.create"]  # Tier 2: 20 a minute
    for _ in range(burst):
        await pacer.wait("conversations.create", None)
    started = asyncio.get_running_loop().time()
    await pacer.wait("conversations.create", None)
    assert asyncio.get_running_loop().time() - started >= 60 / per_minute * 0.97  # one per 3 s


def methods_the_bot_calls() -> set[str]:
    """Every Web API method called in bot/ and handlers/, as slack_sdk's client names it
    (``chat_postMessage`` → ``chat.postMessage``); files_upload_v2 is its two methods."""
    source = "\n".join(
        path.read_text() for folder in ("bot", "handlers") for path in (ROOT / folder).rglob("*.py")
    )
    web_api = {name for name in dir(AsyncWebClient) if "_" in name and not name.startswith("_")}
    called = set(re.findall(r"\.(\w+_\w+)\(", source)) & web_api
    uploads = {"files.getUploadURLExternal", "files.completeUploadExternal"}
    return {m.replace("_", ".") for m in called - {"files_upload_v2", "api_call"}} | (
        uploads if "files_upload_v2" in called else set()
    )


def test_the_pacer_knows_the_pace_of_every_method_the_bot_calls() -> None:
    called = methods_the_bot_calls()
    assert {"conversations.create", "canvases.create", "conversations.archive"} <= called
    unknown = called - set(TIERS) - POSTS
    assert unknown == set(), f"bot/slack/pacing.py has no tier for {sorted(unknown)}"
    assert called <= set(limits.TIERS) | {limits.POSTING}  # and the local Slack models each


async def test_a_burst_past_a_tier_is_spaced_so_slack_never_answers_429(
    slack: RunningFakeSlack, client: PacedWebClient
) -> None:
    fake = slack.fake
    user = fake.add_user("dana")
    per_minute, burst = TIERS["views.publish"]
    view = {"type": "home", "blocks": [{"type": "divider"}]}
    await asyncio.gather(*(client.views_publish(user_id=user, view=view) for _ in range(burst + 2)))
    seen = fake.calls_to("views.publish")
    assert len(seen) == burst + 2 and fake.rate_limited_calls() == []
    assert seen[-1].at - seen[0].at >= 2 * 60 / per_minute * 0.95


async def test_posts_to_a_person_and_to_their_dm_share_one_pace(
    slack: RunningFakeSlack, client: PacedWebClient
) -> None:
    fake = slack.fake
    user = fake.add_user("alice")
    first = await client.chat_postMessage(channel=user, text="You are paged")  # Slack says: D…
    posts = [
        client.chat_postMessage(channel=user if n % 2 else first["channel"], text=f"reminder {n}")
        for n in range(CHANNEL_BURST + 2)
    ]
    await asyncio.gather(*posts)
    assert len(fake.dms(user)) == CHANNEL_BURST + 3
    assert fake.rate_limited_calls() == []


async def test_slack_holding_back_events_is_answered_and_logged(
    stack: Stack, caplog: pytest.LogCaptureFixture
) -> None:
    user = stack.slack.add_user("dana")
    stack.slack.pacing.spend_events(limits.EVENTS_PER_HOUR)
    with caplog.at_level(logging.ERROR, logger="handlers.events.rate_limited"):
        held = await stack.sender.home_opened(user)
    assert not held.delivered
    [notice] = stack.sender.rate_limit_notices
    assert notice.status == 200
    assert "Slack is holding back this app's events for workspace T0INCIDENT" in caplog.text
    assert stack.slack.home(user) is None  # the Home tab was never asked for


async def test_a_429_is_waited_out_through_the_pacer_not_all_at_once(
    slack: RunningFakeSlack, client: PacedWebClient
) -> None:
    fake = slack.fake
    channel = fake.add_channel("inc-busy", members=[BOT_USER])
    for _ in range(limits.POSTS_PER_CHANNEL.burst):  # another replica's posts: Slack counted them
        fake.pacing.call("chat.postMessage", channel)
    await asyncio.gather(
        *(client.chat_postMessage(channel=channel, text=f"stage {n}") for n in range(3))
    )
    # every one posted (a retry takes a new turn, so the order may change)
    assert sorted(m["text"] for m in fake.messages(channel)) == ["stage 0", "stage 1", "stage 2"]
    limited = fake.rate_limited_calls("chat.postMessage")
    assert 0 < len(limited) <= 3  # those sent at once; then each waits its turn after the hold
    posted = [c.at for c in fake.calls_to("chat.postMessage") if c.response["ok"]]
    assert posted[2] - posted[1] >= 0.9 and posted[1] - posted[0] >= 0.9
