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
class IncidentEvent:
    """Something that happened to the incident ``arn``."""

    arn: str


class IncidentResolved(IncidentEvent):
    """The incident was resolved, from Slack or (as the sync saw it) in AWS."""


class IncidentReopened(IncidentEvent):
    """The incident was reopened, from Slack or (as the sync saw it) in AWS."""


@dataclass(frozen=True)
class RelatedItemWritten(IncidentEvent):
    """The bot changed the incident's related items: ``item``."""

    item: RelatedItem


class RelatedItemLinked(RelatedItemWritten):
    """The bot added ``item`` to the incident's related items."""


class RelatedItemUnlinked(RelatedItemWritten):
    """The bot removed ``item`` from the incident's related items."""


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
class ChannelTold:
    """The incident's channel (``channel_id``) is to be told something of ``incident``."""

    incident: Incident
    channel_id: str


@dataclass(frozen=True)
class StatusUpdateDue(ChannelTold):
    """No status update was posted on an open incident for ``minutes``: its channel is reminded."""

    minutes: float


class ExportOffered(ChannelTold):
    """The incident was resolved: its channel is offered the export and archiving."""


@dataclass(frozen=True)
class DoneInAws(IncidentEvent):
    """Someone did something to the incident in AWS (the console, another tool), to be told in
    its channel."""

    channel_id: str
    text: str


class ChangedInAws(DoneInAws):
    """Someone changed the incident in AWS; ``text`` says what, in one line of mrkdwn."""


class NoteAddedInAws(DoneInAws):
    """Someone added a note to the incident's timeline in AWS; ``text`` is the note."""


@dataclass(frozen=True)
class DeclarationSwept:
    """The sweep ended a declaration a crash or a failure had interrupted: its declarer is
    told."""

    declarer: str
    origin: str | None  # the channel the declarer declared from


@dataclass(frozen=True)
class DeclarationFinished(DeclarationSwept):
    """The sweep finished the declaration: ``outcome`` says what exists."""

    outcome: Outcome


@dataclass(frozen=True)
class DeclarationRefused(DeclarationSwept):
    """The declaration was refused at StartIncident: nothing exists."""

    reason: str
