"""What on call needs to hear back from Slack: the Slack side implements it
(``bot/presenters/oncall.py``); a person's time zone comes through ``bot.directory``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.contacts import Contact


@dataclass(frozen=True)
class Posted:
    """Where a message is, to change it later: its channel and its ``ts``."""

    channel: str
    ts: str


@dataclass(frozen=True)
class CoverAsk:
    """A **Cover for me** request as people read it: whose shift, on which schedule, when."""

    request_id: str
    schedule: Contact
    requester: str  # Slack user
    start: datetime  # what is left of the shift
    end: datetime


class CoverRequestMessages(Protocol):
    async def post(self, channel: str, ask: CoverAsk) -> Posted:
        """The request's message in ``channel``, with **I'll cover**: the one a poster cut
        short sent already, else a new one. ``SlackRefused`` when Slack refuses it."""
        ...
