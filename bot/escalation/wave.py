"""Stage timers that fire together start together: a due wave.

In an alarm storm hundreds of stages fall due in the same second. Started one by one, each
would take its own write transactions and reads, queued behind the others; gathered for a few
milliseconds into a wave, they are claimed in one transaction (``DueStages.claim_wave``)
and their engagements go out side by side, the DMs and status messages after the engagements
of every wave under way (``WaveGate``).

The same gathering reads, ahead of a wave, whether anyone answered its escalations' pages in
AWS (``DueStages.read_ahead``), so the wave itself need not ask.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Collection

from prometheus_client import Histogram

log = logging.getLogger(__name__)

Due = tuple[str, int]  # (escalation id, stage)
DM_HOLD = 5.0  # seconds at most a wave's DMs wait for the rest of its pages
WAVE_SIZE = Histogram(
    "incident_bot_stage_wave_size",
    "Stages claimed together in one due wave",
    buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000),
)


class DueWaves:
    """Gathers the stage timers that fire within ``window`` seconds of each other, and of a
    wave being claimed, into the next wave."""

    def __init__(
        self,
        claim: Callable[[Collection[Due]], Awaitable[dict[Due, Awaitable[object]]]],
        window: float = 0.02,
        sizes: Histogram | None = WAVE_SIZE,
    ) -> None:
        self._claim = claim
        self._window = window
        self._sizes = sizes
        self._pending: dict[Due, asyncio.Future[object]] = {}
        self._collector: asyncio.Task[None] | None = None
        self._running: set[asyncio.Task[object]] = set()

    async def advance(self, escalation_id: str, stage: int) -> object:
        """Start ``stage`` with the wave it falls due in; returns when its work is done."""
        key = (escalation_id, stage)
        future = self._pending.get(key)
        if future is None:
            future = self._pending[key] = asyncio.get_running_loop().create_future()
        if self._collector is None or self._collector.done():
            self._collector = asyncio.create_task(self._collect())
        return await asyncio.shield(future)

    async def _collect(self) -> None:
        while self._pending:
            await asyncio.sleep(self._window)
            wave, self._pending = self._pending, {}
            if self._sizes is not None:
                self._sizes.observe(len(wave))
            try:
                work = await self._claim(list(wave))
            except Exception as exc:  # every timer of the wave fails with it; the planner retries
                for future in wave.values():
                    future.set_exception(exc)
                continue
            for key, future in wave.items():
                if key in work:
                    self._follow(work[key], future)
                else:  # no longer due: acknowledged, stopped, or begun already
                    future.set_result(None)

    def _follow(self, work: Awaitable[object], future: asyncio.Future[object]) -> None:
        task = asyncio.ensure_future(work)
        self._running.add(task)

        def done(finished: asyncio.Task[object]) -> None:
            self._running.discard(finished)
            if finished.cancelled():
                future.cancel()
            elif (error := finished.exception()) is not None:
                future.set_exception(error)
            else:
                future.set_result(finished.result())

        task.add_done_callback(done)


class WaveGate:
    """Holds the DMs of due waves while stages of any wave are still sending their pages
    (``expect``, then ``arrived`` as each has), ``DM_HOLD`` seconds at most: in a storm, AWS
    and the CPU go to the pages first."""

    def __init__(self, hold: float = DM_HOLD) -> None:
        self._sending = 0
        self._hold = hold
        self._clear = asyncio.Event()
        self._clear.set()

    def expect(self, stages: int) -> None:
        self._sending += stages
        if self._sending > 0:
            self._clear.clear()

    def arrived(self) -> None:
        self._sending -= 1
        if self._sending <= 0:
            self._clear.set()

    async def passed(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._clear.wait(), self._hold)
