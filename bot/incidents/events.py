"""What happened to incidents, as the incidents domain says it on the bus: the presenters say it
in Slack, the sync records the bot's own writes, paging stops for a resolved incident."""

from __future__ import annotations

from dataclasses import dataclass

from bot.incidents.outcome import Outcome
from bot.incidents.record import Incident, IncidentCard, RelatedItem


@dataclass(frozen=True)
class IncidentUpdated:
    """The bot changed the incident in AWS; ``incident`` is the record as its write left it."""

    incident: Incident


@dataclass(frozen=True)
class IncidentResolved:
    """The incident was resolved, from Slack or (as the sync saw it) in AWS."""

    arn: str


@dataclass(frozen=True)
class IncidentReopened:
    """The incident was reopened, from Slack or (as the sync saw it) in AWS."""

    arn: str


@dataclass(frozen=True)
class RelatedItemLinked:
    """The bot added ``item`` to the incident's related items."""

    arn: str
    item: RelatedItem


@dataclass(frozen=True)
class RelatedItemUnlinked:
    """The bot removed ``item`` from the incident's related items."""

    arn: str
    item: RelatedItem


@dataclass(frozen=True)
class CardChanged:
    """What the incident's pinned card shows changed (its record, related items or roles)."""

    card: IncidentCard
    channel_id: str
    card_ts: str


@dataclass(frozen=True)
class StatusUpdatePosted:
    """A responder posted a status update, to be shown in ``channels``."""

    incident: Incident  # as the update left it
    author: str  # the Slack user who posted it
    what: str  # what is happening, as they wrote it
    next_minutes: float
    channels: tuple[str, ...]


@dataclass(frozen=True)
class StatusUpdateDue:
    """No status update was posted on an open incident for ``minutes``: its channel is reminded."""

    incident: Incident
    minutes: float
    channel_id: str


@dataclass(frozen=True)
class ExportOffered:
    """The incident was resolved: its channel is offered the export and archiving."""

    incident: Incident
    channel_id: str


@dataclass(frozen=True)
class ChangedInAws:
    """Someone changed the incident in AWS; ``what`` says what, in one line for its channel."""

    arn: str
    channel_id: str
    what: str


@dataclass(frozen=True)
class NoteAddedInAws:
    """Someone added a note to the incident's timeline in AWS (the console, another tool)."""

    arn: str
    channel_id: str
    text: str


@dataclass(frozen=True)
class DeclarationFinished:
    """The sweep finished a declaration a crash or a failure had interrupted."""

    outcome: Outcome
    declarer: str
    origin: str | None  # the channel the declarer declared from


@dataclass(frozen=True)
class DeclarationRefused:
    """A declaration finished by the sweep was refused at StartIncident: nothing exists."""

    declarer: str
    origin: str | None
    reason: str
