"""Slack's rate limits for one workspace and app, as ``limits`` models them: Web API methods at
their tier, posts per channel and per workspace, Events API deliveries per hour."""

from __future__ import annotations

import logging
import math
import time
from collections import deque
from collections.abc import Callable

from emulator.slack import limits

log = logging.getLogger(__name__)
HOUR = 3600.0


class Bucket:
    """``pace.burst`` calls at once, refilled at ``pace.per_minute``."""

    def __init__(self, pace: limits.Pace, now: float) -> None:
        self.rate = pace.per_minute / 60
        self.burst = pace.burst
        self.tokens = float(pace.burst)
        self.last = now

    def wait(self, now: float) -> float:
        """Seconds until this bucket takes a call (0: now)."""
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


class SlackPace:
    """On unless a test or benchmark turns it off, saying why (``pace(False, because=…)``)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.off_because = ""
        self._buckets: dict[tuple[str, str], Bucket] = {}
        self._events: deque[float] = deque()
        self.rate_limited_minutes: set[int] = set()  # minutes app_rate_limited was sent for

    @property
    def on(self) -> bool:
        return not self.off_because

    def pace(self, on: bool, *, because: str) -> None:
        """Turn pacing on, or off for a stated reason (a test that legitimately exceeds it)."""
        if not on and not because.strip():
            raise ValueError("say why the local Slack should stop pacing (because=…)")
        self.off_because = "" if on else because.strip()
        if not on:
            log.warning("the local Slack does not pace: %s", self.off_because)

    def _bucket(self, key: tuple[str, str], pace: limits.Pace, now: float) -> Bucket:
        return self._buckets.setdefault(key, Bucket(pace, now))

    def call(self, method: str, channel: str | None = None) -> int | None:
        """Take ``method``'s turn: None when Slack answers it, else its Retry-After (seconds)."""
        if not self.on:
            return None
        now = self.clock()
        buckets = []
        if method in limits.TIERS:
            buckets.append(self._bucket(("method", method), limits.TIERS[method], now))
        if method == limits.POSTING:
            buckets.append(self._bucket(("workspace", method), limits.POSTS_PER_WORKSPACE, now))
            if channel:
                buckets.append(self._bucket(("channel", channel), limits.POSTS_PER_CHANNEL, now))
        wait = max((bucket.wait(now) for bucket in buckets), default=0.0)
        if wait > 0:
            return max(1, math.ceil(wait))
        for bucket in buckets:
            bucket.take()
        return None

    def event(self) -> bool:
        """Whether one more Events API delivery fits this hour (it is counted when it does)."""
        now = self.clock()
        while self._events and now - self._events[0] >= HOUR:
            self._events.popleft()
        if self.on and len(self._events) >= limits.EVENTS_PER_HOUR:
            return False
        self._events.append(now)
        return True

    def spend_events(self, count: int) -> None:
        """Count ``count`` deliveries as made just now, as a busy workspace's would be."""
        self._events.extend([self.clock()] * count)
