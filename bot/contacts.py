"""An Incident Manager contact as the bot uses it: who, what kind, and its plan, parsed once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.vocabulary import ContactType


@dataclass(frozen=True)
class PlanTarget:
    """A stage target: another contact (``contact_arn``) or one of a person's channels."""

    contact_arn: str | None
    essential: bool
    retry_minutes: int | None  # a channel target's RetryIntervalInMinutes
    channel_arn: str | None = None  # a channel target's ContactChannelId


@dataclass(frozen=True)
class PlanStage:
    minutes: int
    targets: tuple[PlanTarget, ...]


@dataclass(frozen=True)
class Contact:
    arn: str
    alias: str
    display_name: str
    type: ContactType
    stages: tuple[PlanStage, ...] = ()
    rotation_ids: tuple[str, ...] = ()  # an on-call schedule's rotations


@dataclass(frozen=True)
class ContactChannel:
    """One of a person's contact channels (SMS, VOICE, EMAIL) and whether it is activated."""

    arn: str
    name: str
    type: str
    address: str
    activated: bool


@dataclass(frozen=True)
class Engagement:
    arn: str
    sender: str | None
    stopped: bool
    incident_arn: str | None = None
    started: datetime | None = None


@dataclass(frozen=True)
class Page:
    arn: str
    contact_arn: str
    read: bool  # acknowledged (through AWS or Slack)


def alias_of(contact_arn: str) -> str:
    return contact_arn.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Shift:
    """A rotation's shift (``ListRotationShifts``): who is on call from ``start`` to ``end``."""

    rotation_id: str
    contact_arns: tuple[str, ...]
    start: datetime
    end: datetime
    overridden: bool  # an override put these people on call
    replaced: tuple[str, ...] = ()  # whom the override put them on call instead of


@dataclass(frozen=True)
class Override:
    """A rotation override: ``contact_arns`` on call instead, from ``start`` to ``end``."""

    rotation_id: str
    override_id: str
    contact_arns: tuple[str, ...]
    start: datetime
    end: datetime
