"""Keeping inside Slack's rate limits before Slack has to say so (a 429 and its Retry-After,
which the client's retry handler still honours).

Slack allows about one message per second per channel (short bursts pass), several hundred a
minute across the workspace, and limits each Web API method to its tier's calls per minute
across the workspace. The pacer spaces calls to fit: posts per channel and in all, every method
per its tier. Messages to different channels (DMs to different
people) do not wait for each other, and message edits give way while messages are waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

from prometheus_client import Histogram
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.slack.outage import OutageNamingClient

log = logging.getLogger(__name__)
SLACK_LATENCY = Histogram(
    "incident_bot_slack_call_seconds", "Slack Web API call latency, pacing included", ["method"]
)

# (calls per minute, calls at once) of each method the bot calls, at the tier its reference page
# gives (https://docs.slack.dev/reference/methods/<method>; the tiers:
# https://docs.slack.dev/apis/web-api/rate-limits). Slack shares no burst sizes: the pacer takes
# a little less than a minute's worth at once (Tier 1's "small amount of burst" as two), so calls
# that reach Slack later than planned (the bot's loop busy) still fit what Slack counts.
Tier = tuple[float, int]
TIER_1: Tier = (1, 2)
TIER_2: Tier = (20, 18)
TIER_3: Tier = (50, 45)
TIER_4: Tier = (100, 90)
TIERS: dict[str, Tier] = {
    "apps.connections.open": TIER_1,
    "auth.test": TIER_4,  # special: "hundreds of requests per minute"
    "bots.info": TIER_3,
    "canvases.access.set": TIER_3,
    "canvases.create": TIER_2,
    "chat.getPermalink": TIER_4,  # special: "hundreds of requests per minute"
    "chat.postEphemeral": TIER_4,
    "chat.update": TIER_3,
    "conversations.archive": TIER_2,
    "conversations.create": TIER_2,
    "conversations.history": TIER_3,
    "conversations.info": TIER_3,
    "conversations.invite": TIER_3,
    "conversations.list": TIER_2,
    "conversations.members": TIER_4,
    "conversations.open": TIER_3,
    "conversations.replies": TIER_3,
    "files.completeUploadExternal": TIER_4,
    "files.getUploadURLExternal": TIER_4,
    "pins.add": TIER_2,
    "usergroups.users.list": TIER_2,
    "users.info": TIER_4,
    "users.lookupByEmail": TIER_3,
    "views.open": TIER_4,
    "views.publish": TIER_4,
    "views.update": TIER_4,
}
POSTS = frozenset({"chat.postMessage"})  # special: about one a second per channel, and
POSTS_PER_MINUTE: Tier = (300, 250)  # "several hundred messages per minute" across the workspace
EDITS = frozenset({"chat.update"})  # give way to posts
CHANNEL_BURST = 2  # posts a channel takes at once (fewer than Slack may allow: a burst that
# reaches Slack late, the bot's loop busy, still fits) before the one-a-second pace applies
EDIT_PATIENCE_SECONDS = 2.0  # an edit waits no longer than this for posts to clear
# A call that waits for its turn waits this much longer: Slack counts calls as they arrive, and
# the first of a burst may arrive later than the one sent after the wait (a new connection).
MARGIN_SECONDS = 0.25
RETRIES_AFTER_429 = 3


class Rate:
    """Calls ``per_second`` with bursts of ``burst``, as a virtual schedule (GCRA): each call
    reserves the next slot and is told how long to wait for it."""

    def __init__(self, per_second: float, burst: int) -> None:
        self.interval = 1.0 / per_second
        self.tolerance = self.interval * (burst - 1)
        self.next_slot = 0.0
        self.next_sent = 0.0  # the same schedule kept by the calls as they are sent

    def reserve(self, now: float) -> float:
        """Seconds to wait before the call this reserves a slot for."""
        slot = max(self.next_slot, now)
        self.next_slot = slot + self.interval
        return max(0.0, slot - self.tolerance - now)

    def send(self, now: float) -> float:
        """Seconds more a call that waited for its slot waits as it is sent: none, unless the
        loop woke it late together with the calls of the next slots (a stalled event loop),
        which then go out at the pace again instead of all at once."""
        slot = max(self.next_sent, now)
        self.next_sent = slot + self.interval
        return max(0.0, slot - self.tolerance - now)


class Pacer:
    """One process's view of Slack's limits: a rate per channel for posts, one per method."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._channels: dict[str, Rate] = {}
        self._dms: dict[str, str] = {}  # user id → their DM's channel id: one channel to Slack
        self._methods: dict[str, Rate] = {}
        per_minute, burst = POSTS_PER_MINUTE
        self._posts = Rate(per_minute / 60, burst)
        self._posts_waiting = 0
        self._posts_clear = asyncio.Event()
        self._posts_clear.set()

    async def wait(self, method: str, channel: str | None) -> None:
        """Wait for ``method``'s turn (posts in ``channel`` share one pace)."""
        channel = self._dms.get(channel or "", channel)
        if method in EDITS and not self._posts_clear.is_set():
            with contextlib.suppress(TimeoutError):  # a long storm of posts: edits go on
                await asyncio.wait_for(self._posts_clear.wait(), EDIT_PATIENCE_SECONDS)
        rates = self._rates(method, channel)
        now = self.clock()
        delay = max([0.0, *(rate.reserve(now) for rate in rates)])
        if delay > 0:
            await self._sleep(method, delay + MARGIN_SECONDS)
        now = self.clock()
        late = max([0.0, *(rate.send(now) for rate in rates)])
        if late > 0:
            await self._sleep(method, late)

    async def _sleep(self, method: str, seconds: float) -> None:
        """Sleep for a call's turn; edits give way to posts that wait."""
        if method not in POSTS:
            await asyncio.sleep(seconds)
            return
        self._posts_waiting += 1
        self._posts_clear.clear()
        try:
            await asyncio.sleep(seconds)
        finally:
            self._posts_waiting -= 1
            if not self._posts_waiting:
                self._posts_clear.set()

    def hold(self, method: str, channel: str | None, seconds: float) -> None:
        """Slack answered ``method`` 429: its next calls (posts: in ``channel`` and in all) wait
        ``seconds`` first, one after another as their pace allows."""
        until = self.clock() + seconds
        for rate in self._rates(method, self._dms.get(channel or "", channel)):
            rate.next_slot = max(rate.next_slot, until + rate.tolerance)
            rate.next_sent = max(rate.next_sent, until + rate.tolerance)

    def _rates(self, method: str, channel: str | None) -> list[Rate]:
        """The paces a call of ``method`` (a post: in ``channel``) keeps to."""
        rates = []
        if method in TIERS:
            per_minute, burst = TIERS[method]
            rates.append(self._methods.setdefault(method, Rate(per_minute / 60, burst)))
        if method in POSTS:
            rates.append(self._posts)
            if channel:
                rates.append(self._channels.setdefault(channel, Rate(1.0, CHANNEL_BURST)))
        return rates

    def dm(self, user: str, channel: str) -> None:
        """Posts to ``user`` go to ``channel``, their DM, as posts to ``channel`` do: one pace,
        holding what either had reserved."""
        if self._dms.get(user) == channel or user == channel:
            return
        self._dms[user] = channel
        rates = [r for r in (self._channels.pop(user, None), self._channels.get(channel)) if r]
        if len(rates) == 2:
            now = self.clock()
            rates[1].next_slot = now + sum(max(0.0, rate.next_slot - now) for rate in rates)
            rates[1].next_sent = now + sum(max(0.0, rate.next_sent - now) for rate in rates)
        elif rates:
            self._channels[channel] = rates[0]


class PacedWebClient(OutageNamingClient):
    """slack_sdk's client, paced by a ``Pacer`` and timed per method for /metrics; an answer
    that is not Slack's, or none, is a SlackUnavailable (``bot.slack.outage``). A 429 that
    still comes (another replica, Slack counting differently) is waited out here, up to
    ``RETRIES_AFTER_429`` times, through the pacer: the calls behind it wait their turn after
    it rather than all retrying at once (give it no rate-limit retry handler of its own)."""

    def __init__(self, *args: Any, pacer: Pacer | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pacer = pacer or Pacer()
        self.calls_under_way = 0  # waiting on the pacer or on Slack's answer

    async def api_call(self, api_method: str, **kwargs: Any) -> AsyncSlackResponse:
        started, channel = time.perf_counter(), _channel_of(kwargs)
        self.calls_under_way += 1
        try:
            attempt = 0
            while True:
                await self.pacer.wait(api_method, channel)
                try:
                    answer = await super().api_call(api_method, **kwargs)
                except SlackApiError as exc:
                    if exc.response.status_code != 429 or attempt == RETRIES_AFTER_429:
                        raise
                    wait = _retry_after(exc.response)
                    log.info("Slack rate-limited %s: waiting %s s", api_method, wait)
                    self.pacer.hold(api_method, channel, wait)
                    attempt += 1
                    continue
                _learn_dm(self.pacer, api_method, kwargs, answer)
                return answer
        finally:
            self.calls_under_way -= 1
            SLACK_LATENCY.labels(api_method).observe(time.perf_counter() - started)


def _retry_after(response: AsyncSlackResponse) -> float:
    """Slack's Retry-After, in seconds (one when it gives none)."""
    for name, value in response.headers.items():
        if name.lower() == "retry-after":
            with contextlib.suppress(ValueError):
                return max(0.0, float(value))
    return 1.0


def _channel_of(call: dict[str, Any], name: str = "channel") -> str | None:
    for part in ("json", "params", "data"):
        arguments = call.get(part)
        if isinstance(arguments, dict) and isinstance(value := arguments.get(name), str):
            return value
    return None


def _learn_dm(pacer: Pacer, method: str, call: dict[str, Any], answer: AsyncSlackResponse) -> None:
    """A post to a user id, or conversations.open, says which DM channel that user's is."""
    if method == "chat.postMessage":
        user, channel = _channel_of(call), answer.get("channel")
    elif method == "conversations.open":
        user, channel = _channel_of(call, "users"), (answer.get("channel") or {}).get("id")
    else:
        return
    if user and isinstance(channel, str) and "," not in user:
        pacer.dm(user, channel)
