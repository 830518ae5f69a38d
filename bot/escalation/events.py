"""What happened in paging, said on the bus (``bot.events``) for ``bot.presenters.paging`` to
show in Slack: the escalation's live message, the pages' direct messages, the channel's notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.escalation.plan import Stage
from bot.incidents.record import Incident
from bot.store.schema import PageNotice


@dataclass(frozen=True)
class EscalationEvent:
    """Something that happened to the escalation ``escalation_id``."""

    escalation_id: str


@dataclass(frozen=True)
class ContactEvent:
    """Something that happened to the contact ``alias`` paging pages, to be said in the
    incident's channel (``None``: the incident has none)."""

    channel_id: str | None
    alias: str


@dataclass(frozen=True)
class EscalationStarted(ContactEvent, EscalationEvent):
    """An escalation of the plan ``alias`` began (its first stage started or recorded for the
    auditor)."""

    stages: tuple[Stage, ...]


@dataclass(frozen=True)
class StageStarted(EscalationEvent):
    """A stage began and its targets were engaged and told."""

    stage: int


@dataclass(frozen=True)
class EscalationExhausted(ContactEvent, EscalationEvent):
    """Every stage of the plan ``alias`` ran and no essential contact acknowledged."""


@dataclass(frozen=True)
class TargetNotPaged(ContactEvent):
    """AWS would not engage a stage's target, or its person could not be told."""

    reason: str


class PlanTargetPaged(ContactEvent):
    """A target that is an escalation plan was engaged: AWS runs its stages, and the mirror
    gives each person it pages a button."""


class PageUnlinked(ContactEvent):
    """A contact was paged through AWS, but no Slack user answers for it."""


@dataclass(frozen=True)
class PageRefused(ContactEvent):
    """A contact was paged through AWS, but Slack refused the page's direct message."""

    user_id: str
    code: str


class PageMirrored(EscalationEvent):
    """A page an escalation plan target sent reached its person."""


@dataclass(frozen=True)
class PagesWithdrawn:
    """Pages nobody need answer any more, and why."""

    incident: Incident
    why: str
    notices: tuple[PageNotice, ...]


@dataclass(frozen=True)
class EscalationClosed(EscalationEvent):
    """An escalation was stopped, or acknowledged outside Slack; its other pages withdrawn."""

    withdrawn: PagesWithdrawn


@dataclass(frozen=True)
class PageEvent:
    """Something that happened to a page (``notice``) for ``incident``."""

    notice: PageNotice
    incident: Incident


@dataclass(frozen=True)
class PageAcknowledged(PageEvent):
    """Someone acknowledged a page in Slack (``AcceptPage`` done); an essential answer also
    ended its escalation and withdrew its other pages."""

    by: str
    at: datetime
    withdrawn: PagesWithdrawn | None


@dataclass(frozen=True)
class PageReminded(PageEvent):
    """An unanswered page's reminder ``reminder`` is due (claimed once)."""

    reminder: int
