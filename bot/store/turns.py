"""One writer at a time in this process, in order of arrival, urgent writers first."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class WriteTurns:
    """A queue for SQLite's single write lock: a writer waits here, handed the turn the moment
    the one before it finishes (SQLite's own busy handler polls with sleeps of up to 100 ms),
    and an urgent writer (a claim before a Slack ack, a due wave) goes ahead of the others."""

    def __init__(self) -> None:
        self._busy = False
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._arrivals = itertools.count()

    @asynccontextmanager
    async def turn(self, urgent: bool = False) -> AsyncIterator[None]:
        if self._busy:
            handed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            heapq.heappush(self._waiting, (0 if urgent else 1, next(self._arrivals), handed))
            try:
                await handed
            except asyncio.CancelledError:
                if handed.done() and not handed.cancelled():  # handed the turn as it was cancelled
                    self._hand_on()
                raise
        self._busy = True
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
        self._busy = False
