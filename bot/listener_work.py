"""The work Slack's listeners do after their ack, kept so that shutdown can finish or stop it."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

log = logging.getLogger(__name__)


class ListenerWork:
    """The tasks the bot's listeners run in after the ack, each with what it answers.

    Bolt starts them on its own (``asyncio.ensure_future`` in its listener runner) and keeps no
    handle; the composition root hands each one in here as it starts.
    """

    def __init__(self) -> None:
        self._tasks: dict[asyncio.Task[Any], str] = {}

    def keep(self, task: asyncio.Task[Any], what: str) -> None:
        self._tasks[task] = what
        task.add_done_callback(self._forget)

    def _forget(self, task: asyncio.Task[Any]) -> None:
        self._tasks.pop(task, None)

    @property
    def running(self) -> bool:
        return bool(self._tasks)

    async def cut_short(self) -> None:
        """Cancel the work still running (its grace is over) and wait for it to let go, of
        the database above all, before the caller closes the pools."""
        left = dict(self._tasks)
        if not left:
            return
        log.warning(
            "shutting down: cut short %d listener(s) still running after the grace: %s",
            len(left),
            ", ".join(sorted(left.values())),
        )
        for task in left:
            task.cancel()
        await asyncio.gather(*left, return_exceptions=True)
