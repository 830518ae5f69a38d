"""Fakes of the incidents domain's two sides: AWS (the ``IncidentsPort`` calls a declaration
makes, each answered once per client token, as AWS does) and Slack (the ``Rooms``, ``Posts`` and
``Names`` ports, recording what they were asked). Either can be told to refuse, or to crash: to
do the work and then let the process die before the bot hears the answer."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from bot.errors import SlackRefused
from bot.incidents.record import Announcement, Incident, IncidentCard, RelatedItem

PLAN_ARN = "arn:aws:ssm-incidents::111122223333:response-plan/critical-service"
RECORD_ARN = "arn:aws:ssm-incidents::111122223333:incident-record/critical-service/"


class Crash(BaseException):
    """The process dies here: nothing in the bot catches it (as nothing survives a SIGKILL)."""


@dataclass
class Faults:
    """What a fake does when asked ``method``: raise, once or every time; or do the work,
    then crash."""

    raising: dict[str, tuple[BaseException, int]] = field(default_factory=dict)
    crash_after: set[str] = field(default_factory=set)

    def refuse(self, method: str, error: BaseException, times: int = 10**6) -> None:
        self.raising[method] = (error, times)

    def before(self, method: str) -> None:
        error, times = self.raising.get(method, (None, 0))
        if error is None or times <= 0:
            return
        self.raising[method] = (error, times - 1)
        raise error

    def after(self, method: str) -> None:
        if method in self.crash_after:
            self.crash_after.discard(method)
            raise Crash(method)


class FakeIncidentsAws:
    """The ssm-incidents calls of a declaration, idempotent by client token."""

    region = "us-east-1"

    def __init__(self) -> None:
        self.records: dict[str, Incident] = {}
        self.related: dict[str, list[RelatedItem]] = {}
        self.notes: dict[str, list[str]] = {}
        self.tokens: dict[str, str] = {}  # client token → the answer it was given
        self.calls: Counter[str] = Counter()
        self.faults = Faults()
        self.gate: asyncio.Barrier | None = None  # readers held until as many have come

    async def _call(self, method: str, token: str, work: Callable[[], str]) -> str:
        self.calls[method] += 1
        self.faults.before(method)
        if token not in self.tokens:
            self.tokens[token] = work()
        self.faults.after(method)
        return self.tokens[token]

    def started(self, title: str, impact: int = 2, created: datetime | None = None) -> Incident:
        """An incident started in AWS (an alarm, the console): no Slack declared it."""
        arn = f"{RECORD_ARN}{len(self.records):08d}-0000-0000-0000-000000000000"
        incident = Incident(arn, title, "OPEN", impact, "", created or datetime.now(UTC), None)
        self.records[arn] = incident
        self.related[arn], self.notes[arn] = [], []
        return incident

    async def start_incident(self, plan_arn: str, title: str, impact: int, token: str) -> str:
        return await self._call("StartIncident", token, lambda: self.started(title, impact).arn)

    async def update_incident(self, arn: str, token: str, **changes: Any) -> None:
        def work() -> str:
            self.records[arn] = replace(self.records[arn], **changes)
            return ""

        await self._call("UpdateIncidentRecord", token, work)

    async def incident(self, arn: str) -> Incident:
        self.calls["GetIncidentRecord"] += 1
        if self.gate is not None:
            await self.gate.wait()
        return self.records[arn]

    async def related_items(self, arn: str) -> list[RelatedItem]:
        return list(self.related[arn])

    async def add_related_item(self, arn: str, item: RelatedItem, token: str) -> None:
        def work() -> str:
            self.related[arn].append(item)
            return ""

        await self._call("UpdateRelatedItems", token, work)

    async def create_timeline_event(
        self, arn: str, data: str, token: str, when: datetime | None = None
    ) -> str:
        def work() -> str:
            self.notes[arn].append(json.loads(data))
            return f"event-{sum(len(n) for n in self.notes.values())}"

        return await self._call("CreateTimelineEvent", token, work)


class FakeSlack:
    """The incidents domain's Slack ports, each answer kept as Slack would keep it."""

    def __init__(self) -> None:
        self.channels: dict[str, str] = {}  # id → name
        self.members: dict[str, set[str]] = {}
        self.cards: dict[tuple[str, str], str] = {}  # (channel, incident ARN) → ts
        self.pins: dict[str, list[str]] = {}
        self.announcements: dict[tuple[str, str], Announcement] = {}  # (channel, ARN) → it
        self.asked: Counter[str] = Counter()
        self.faults = Faults()

    def _ask(self, method: str) -> None:
        self.asked[method] += 1
        self.faults.before(method)

    # -- Rooms -----------------------------------------------------------------
    async def create(self, day: date, title: str) -> str:
        self._ask("create")
        channel_id = f"CINC{len(self.channels):04d}"
        self.channels[channel_id] = f"inc-{day.isoformat()}-{title.lower().replace(' ', '-')}"
        self.members[channel_id] = {"UBOT"}
        self.faults.after("create")
        return channel_id

    async def made_before(
        self, day: date, title: str, taken: Callable[[str], Awaitable[bool]]
    ) -> str | None:
        self._ask("made_before")
        prefix = f"inc-{day.isoformat()}-{title.lower().replace(' ', '-')}"
        for channel_id, name in self.channels.items():
            if name.startswith(prefix) and not await taken(channel_id):
                return channel_id
        return None

    async def invite(self, channel_id: str, user_id: str) -> None:
        self._ask("invite")
        if user_id in self.members[channel_id]:
            raise SlackRefused("already_in_channel", True, "Slack said already_in_channel")
        self.members[channel_id].add(user_id)
        self.faults.after("invite")

    async def link(self, channel_id: str) -> RelatedItem:
        self._ask("link")
        url = f"https://slack.com/app_redirect?channel={channel_id}"
        return RelatedItem("OTHER", "url", url, f"Slack channel #{self.channels[channel_id]}")

    async def archive(self, channel_id: str) -> bool:
        self._ask("archive")
        return True

    # -- Posts -----------------------------------------------------------------
    async def card_posted(self, channel_id: str, arn: str) -> str | None:
        self._ask("card_posted")
        return self.cards.get((channel_id, arn))

    async def post_card(self, channel_id: str, card: IncidentCard) -> str:
        self._ask("post_card")
        ts = f"17000000{len(self.cards):02d}.000100"
        self.cards[channel_id, card.incident.arn] = ts
        self.faults.after("post_card")
        return ts

    async def pin(self, channel_id: str, ts: str) -> None:
        self._ask("pin")
        pins = self.pins.setdefault(channel_id, [])
        if ts in pins:
            raise SlackRefused("already_pinned", True, "Slack said already_pinned")
        pins.append(ts)
        self.faults.after("pin")

    async def announced(self, channel_id: str, arn: str) -> bool:
        self._ask("announced")
        return (channel_id, arn) in self.announcements

    async def announce(self, channel_id: str, arn: str, announcement: Announcement) -> None:
        self._ask("announce")
        self.announcements[channel_id, arn] = announcement
        self.faults.after("announce")

    # -- Names -----------------------------------------------------------------
    async def name_of(self, user_id: str) -> str:
        self._ask("name")
        return {"UDANA": "Dana"}.get(user_id, user_id)
