"""The bus: listeners hear the events of their type, in order; one that fails is logged and the
others still hear it."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pytest

from bot.events import Bus


@dataclass(frozen=True)
class Paged:
    who: str


@dataclass(frozen=True)
class Resolved:
    what: str


async def test_listeners_hear_their_events_in_the_order_they_subscribed() -> None:
    bus, heard = Bus(), []

    async def first(event: Paged) -> None:
        heard.append(("first", event.who))

    async def second(event: Paged) -> None:
        heard.append(("second", event.who))

    async def other(event: Resolved) -> None:
        heard.append(("other", event.what))

    bus.subscribe(Paged, first)
    bus.subscribe(Paged, second)
    bus.subscribe(Resolved, other)
    await bus.publish(Paged("alice"))
    assert heard == [("first", "alice"), ("second", "alice")]


async def test_a_failing_listener_is_logged_and_the_others_still_hear(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bus, heard = Bus(), []

    async def broken(event: Paged) -> None:
        raise RuntimeError("Slack said no")

    async def after(event: Paged) -> None:
        heard.append(event.who)

    bus.subscribe(Paged, broken)
    bus.subscribe(Paged, after)
    with caplog.at_level(logging.ERROR, logger="bot.events"):
        await bus.publish(Paged("bob"))
    assert heard == ["bob"]
    assert "broken failed on Paged" in caplog.text
    assert "RuntimeError: Slack said no" in caplog.text


async def test_an_event_nobody_hears_is_fine() -> None:
    await Bus().publish(Resolved("nothing"))
