"""What happened on call, said by the domain and put into Slack by ``bot/presenters/oncall.py``:
hand-offs, covers made, taken and removed, requests expired."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.contacts import Contact, Override
from bot.oncall.ports import Posted


@dataclass(frozen=True)
class Cover:
    """An override made: who covers whom, on which schedule, when."""

    schedule: Contact
    override_id: str
    covering: str  # Slack user
    covered: tuple[str, ...]  # Slack users of the people it puts off call
    start: datetime
    end: datetime


@dataclass(frozen=True)
class ShiftHandedOff:
    """A shift starts soon: its person (``user``, when linked to Slack) and the on-call channel
    are told, once. ``key`` names the hand-off: its **Cover for me** asks on it."""

    key: str
    schedule: Contact
    contact_arn: str
    user: str | None
    start: datetime
    end: datetime
    open_incidents: int


@dataclass(frozen=True)
class CoverMade:
    """``/incident cover`` made an override; ``by`` typed it, and was answered already."""

    cover: Cover
    by: str


@dataclass(frozen=True)
class CoverTaken:
    """**I'll cover**: the first to press covers the requested shift; the request's message
    (``message``) says who."""

    request_id: str
    cover: Cover
    message: Posted | None


@dataclass(frozen=True)
class CoverRequestExpired:
    """A request's shift is over and nobody took it: its message says so."""

    request_id: str
    message: Posted | None
    schedule_alias: str
    requester: str  # Slack user
    start: datetime
    end: datetime


@dataclass(frozen=True)
class OverrideRemoved:
    """``by`` removed an override: its own people and those it put off call are told."""

    override: Override
    by: str
    own: tuple[str, ...]  # Slack users of its people
    displaced: tuple[str, ...]  # Slack users it put off call, on call again
