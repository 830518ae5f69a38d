"""What happened in paging, said on the bus (``bot.events``) for ``bot.presenters.paging`` to
show in Slack: the escalation's live message, the pages' direct messages, the channel's notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.escalation.plan import Stage
from bot.incidents.record import Incident
from bot.store.schema import PageNotice


@dataclass(frozen=True)
class EscalationStarted:
    """An escalation began (its first stage started or recorded for the auditor)."""

    escalation_id: str
    channel_id: str | None
    alias: str
    stages: tuple[Stage, ...]


@dataclass(frozen=True)
class StageStarted:
    """A stage began and its targets were engaged and told."""

    escalation_id: str
    stage: int


@dataclass(frozen=True)
class EscalationExhausted:
    """Every stage ran and no essential contact acknowledged."""

    escalation_id: str
    channel_id: str | None
    alias: str


@dataclass(frozen=True)
class TargetNotPaged:
    """AWS would not engage a stage's target, or its person could not be told."""

    channel_id: str | None
    alias: str
    reason: str


@dataclass(frozen=True)
class PlanTargetPaged:
    """A target that is an escalation plan was engaged: AWS runs its stages, and the mirror
    gives each person it pages a button."""

    channel_id: str | None
    alias: str


@dataclass(frozen=True)
class PageUnlinked:
    """A contact was paged through AWS, but no Slack user answers for it."""

    channel_id: str | None
    alias: str


@dataclass(frozen=True)
class PageRefused:
    """A contact was paged through AWS, but Slack refused the page's direct message."""

    channel_id: str | None
    alias: str
    user_id: str
    code: str


@dataclass(frozen=True)
class PageMirrored:
    """A page an escalation plan target sent reached its person."""

    escalation_id: str


@dataclass(frozen=True)
class PagesWithdrawn:
    """Pages nobody need answer any more, and why."""

    incident: Incident
    why: str
    notices: tuple[PageNotice, ...]


@dataclass(frozen=True)
class EscalationClosed:
    """An escalation was stopped, or acknowledged outside Slack; its other pages withdrawn."""

    escalation_id: str
    withdrawn: PagesWithdrawn


@dataclass(frozen=True)
class PageAcknowledged:
    """Someone acknowledged a page in Slack (``AcceptPage`` done); an essential answer also
    ended its escalation and withdrew its other pages."""

    notice: PageNotice
    incident: Incident
    by: str
    at: datetime
    withdrawn: PagesWithdrawn | None


@dataclass(frozen=True)
class PageReminded:
    """An unanswered page's reminder ``reminder`` is due (claimed once)."""

    notice: PageNotice
    incident: Incident
    reminder: int
