"""Turns at something only ``slots`` may use at once, in order of arrival, urgent ones first."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class Turns:
    """A queue for a limited resource: SQLite's single write lock (SQLite's own busy handler
    polls with sleeps of up to 100 ms), or the AWS gateway's threads. A waiter is handed a turn
    the moment one is free, and an urgent one (a claim before a Slack ack, a due wave, a page's
    StartEngagement) goes ahead of the others."""

    def __init__(self, slots: int = 1) -> None:
        self._free = slots
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._arrivals = itertools.count()

    @asynccontextmanager
    async def turn(self, urgent: bool = False) -> AsyncIterator[None]:
        if self._free:
            self._free -= 1
        else:
            handed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            heapq.heappush(self._waiting, (0 if urgent else 1, next(self._arrivals), handed))
            try:
                await handed
            except asyncio.CancelledError:
                if handed.done() and not handed.cancelled():  # handed the turn as it was cancelled
                    self._hand_on()
                raise
        try:
            yield
        finally:
            self._hand_on()

    def _hand_on(self) -> None:
        while self._waiting:
            *_, waiting = heapq.heappop(self._waiting)
            if not waiting.done():  # not cancelled while waiting
                waiting.set_result(None)
                return
        self._free += 1
