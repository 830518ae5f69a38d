"""The in-process bus on which the domain says what happened (``PageAcknowledged``,
``IncidentDeclared``…) and the Slack presenters, subscribed by event type, say it in Slack.

The domain publishes and goes on: it never learns who listens. A listener's failure is logged
with the event and the listener, and the others still hear the event, so a Slack that refuses
one message never stops paging or leaves a record half-written.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

log = logging.getLogger(__name__)

E = TypeVar("E")
Listener = Callable[[E], Awaitable[None]]


class Bus:
    """Listeners by the exact type of event they hear, each awaited in the order subscribed."""

    def __init__(self) -> None:
        self._listeners: defaultdict[type, list[Listener[Any]]] = defaultdict(list)

    def subscribe(self, kind: type[E], listener: Listener[E]) -> None:
        self._listeners[kind].append(listener)

    def listeners(self, kind: type) -> tuple[Listener[Any], ...]:
        return tuple(self._listeners.get(kind, ()))

    async def publish(self, event: object) -> None:
        """Tell every listener of ``event``'s type; one that fails is logged, not raised."""
        for listener in self.listeners(type(event)):
            try:
                await listener(event)
            except Exception:
                name = getattr(listener, "__qualname__", repr(listener))
                log.exception("%s failed on %s", name, type(event).__name__)
