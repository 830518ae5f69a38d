"""Fakes of what paging's domain talks to: AWS's contacts, the incidents, the people, the
timers, and the two Slack ports; each records what it was asked, in one shared ``log``."""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.contacts import Contact, Page, PlanStage, PlanTarget, alias_of
from bot.errors import DomainError, NotFound, SlackRefused
from bot.escalation import events
from bot.escalation.ports import PageToSend, PostedPage
from bot.events import Bus
from bot.incidents.record import OPEN, RESOLVED, Incident
from bot.vocabulary import ContactType

ACCOUNT = "arn:aws:ssm-contacts:us-east-1:111122223333"
INCIDENT = "arn:aws:ssm-incidents::111122223333:incident-record/critical-service/abc"
CHANNEL = "C0INCIDENT"


def contact_arn(alias: str) -> str:
    return f"{ACCOUNT}:contact/{alias}"


def person(alias: str) -> Contact:
    return Contact(contact_arn(alias), alias, alias.title(), ContactType.PERSONAL)


def plan(alias: str, *stages: tuple[int, dict[str, bool]]) -> Contact:
    """An escalation plan: each stage its minutes and its targets (alias → essential)."""
    return Contact(
        contact_arn(alias),
        alias,
        alias.title(),
        ContactType.ESCALATION,
        tuple(
            PlanStage(
                minutes,
                tuple(
                    PlanTarget(contact_arn(a), essential, None) for a, essential in targets.items()
                ),
            )
            for minutes, targets in stages
        ),
    )


class FakeContacts:
    """``ContactsPort``: an engagement per idempotency token, as AWS keeps them, with one page."""

    def __init__(self, log: list[tuple[str, str]]) -> None:
        self.log = log
        self.engaged: list[str] = []  # the contact of each StartEngagement that engaged
        self.by_token: dict[str, str] = {}
        self.pages: dict[str, list[Page]] = {}
        self.stopped: list[str] = []
        self.accepted: list[tuple[str, str]] = []
        self.refusing: dict[str, DomainError] = {}  # contact ARN → AWS's refusal
        self.dies = False  # the worker dies inside the next StartEngagement

    async def start_engagement(
        self, contact: str, subject: str, content: str, incident: str | None, token: str
    ) -> str:
        await asyncio.sleep(0)  # a call: others may run meanwhile
        if self.dies:
            self.dies = False
            raise asyncio.CancelledError  # the process is gone: nothing after this runs
        if contact in self.refusing:
            raise self.refusing[contact]
        if token not in self.by_token:
            self.engaged.append(contact)
            self.log.append(("engage", alias_of(contact)))
            arn = f"{ACCOUNT}:engagement/{alias_of(contact)}/{len(self.by_token)}"
            self.by_token[token] = arn
            self.pages[arn] = [Page(f"{arn}/page", contact, False)]
        return self.by_token[token]

    async def stop_engagement(self, engagement: str, reason: str) -> None:
        self.stopped.append(engagement)

    async def pages_of(self, engagement: str, urgent: bool = False) -> list[Page]:
        return self.pages.get(engagement, [])

    async def accept_page(self, page: str, note: str) -> None:
        self.accepted.append((page, note))

    async def engagements_since(self, start: datetime) -> list[Any]:
        return []

    def answer(self, alias: str) -> None:
        """The contact acknowledges its page through AWS (an SMS answer)."""
        for engagement, pages in self.pages.items():
            self.pages[engagement] = [
                dataclasses.replace(p, read=True) if alias_of(p.contact_arn) == alias else p
                for p in pages
            ]


class FakeIncidents:
    """``IncidentService`` as paging uses it, with the timeline's notes."""

    def __init__(self) -> None:
        self.incidents = {
            INCIDENT: Incident(INCIDENT, "Checkout errors", OPEN, 2, "", datetime.now(UTC), None)
        }
        self.notes: dict[str, str] = {}  # client token → text, as AWS keeps them once
        self.timeline = self

    async def get(self, arn: str) -> Incident:
        if arn not in self.incidents:
            raise NotFound("No such incident.")
        return self.incidents[arn]

    async def channel_of(self, arn: str) -> str | None:
        return CHANNEL

    async def list(self, status: str, limit: int | None = None) -> list[Incident]:
        return [i for i in self.incidents.values() if i.is_open]

    async def note(self, arn: str, text: str, token: str) -> None:
        self.notes.setdefault(token, text)

    def resolve(self, arn: str = INCIDENT) -> None:
        self.incidents[arn] = dataclasses.replace(self.incidents[arn], status=RESOLVED)


class FakePeople:
    """``People``: who answers for which contact."""

    def __init__(self, contacts: list[Contact], users: dict[str, str]) -> None:
        self.contacts = {c.arn: c for c in contacts}
        self.users = users  # alias → Slack user

    async def slack_user_for(self, contact: str, alias: str) -> str | None:
        return self.users.get(alias)

    async def contact(self, reference: str) -> Contact:
        return self.contacts[reference]

    async def paged_for(self, engagement: str, attempts: int = 5) -> list[str]:
        return []


class FakeSchedule:
    """``Schedule`` of a leader: the timers it was asked for."""

    def __init__(self) -> None:
        self.stages: dict[tuple[str, int], datetime] = {}
        self.reminders: dict[tuple[str, int], datetime] = {}
        self.cancelled: list[tuple[str, int]] = []

    def stage_at(self, when: datetime, escalation: str, stage: int, read_ahead: float = 0) -> None:
        self.stages[(escalation, stage)] = when

    def reminder_at(self, when: datetime, notice: str, reminder: int) -> None:
        self.reminders[(notice, reminder)] = when

    def has_stage(self, escalation: str, stage: int) -> bool:
        return (escalation, stage) in self.stages

    def has_reminder(self, notice: str, reminder: int) -> bool:
        return (notice, reminder) in self.reminders

    def cancel(self, escalation: str, stage: int) -> None:
        self.cancelled.append((escalation, stage))
        self.stages.pop((escalation, stage), None)


@dataclass
class FakePageMessages:
    """``PageMessages``: the DMs sent, by person; Slack refuses the people in ``refusing``."""

    log: list[tuple[str, str]]
    sent: dict[str, list[PageToSend]] = field(default_factory=dict)
    posted: dict[tuple[str, str], PostedPage] = field(default_factory=dict)
    refusing: set[str] = field(default_factory=set)
    dies: str | None = (
        None  # the worker dies sending the next DM: "before" or "after" Slack took it
    )

    async def find(self, user: str, notice_id: str) -> PostedPage | None:
        return self.posted.get((user, notice_id))

    async def send(self, user: str, page: PageToSend) -> PostedPage:
        await asyncio.sleep(0)
        dies, self.dies = self.dies, None
        if dies == "before":
            raise asyncio.CancelledError  # the process is gone: nothing after this runs
        if user in self.refusing:
            raise SlackRefused("cannot_dm_bot", True, "Slack refused the direct message.")
        self.sent.setdefault(user, []).append(page)
        self.log.append(("dm", user))
        posted = self.posted[(user, page.notice_id)] = PostedPage(f"D{user}", f"{len(self.log)}.0")
        if dies == "after":
            raise asyncio.CancelledError
        return posted


@dataclass
class FakeDirectory:
    """``Directory``: people's names and user groups; Slack will not list ``hidden`` groups."""

    groups: dict[str, set[str]] = field(default_factory=dict)
    hidden: set[str] = field(default_factory=set)

    async def name_of(self, user: str) -> str:
        return f"Name of {user}"

    async def members_of(self, group: str) -> set[str]:
        if group in self.hidden:
            raise SlackRefused("no_such_subteam", True, "Slack would not list them.")
        return self.groups.get(group, set())


class Heard:
    """Every paging event published on the bus, in order."""

    def __init__(self, bus: Bus) -> None:
        self.events: list[object] = []
        for kind in vars(events).values():
            if dataclasses.is_dataclass(kind) and kind.__module__ == events.__name__:
                bus.subscribe(kind, self._hear)

    async def _hear(self, event: object) -> None:
        self.events.append(event)

    def of(self, kind: type) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]
