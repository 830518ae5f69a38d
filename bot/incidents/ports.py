"""What the incidents domain asks of Slack when it needs the answer: implemented on the Slack
side (``bot/presenters/``), injected by the composition root. A refusal is raised as
``SlackRefused`` (its code, whether it is for good), never as Slack's own exception."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Protocol

from bot.incidents.record import Announcement, IncidentCard, IncidentExport, RelatedItem


class Rooms(Protocol):
    """Incident channels."""

    async def create(self, day: date, title: str) -> str:
        """A new channel named from the day and the title (made unique); its id."""
        ...

    async def made_before(
        self, day: date, title: str, taken: Callable[[str], Awaitable[bool]]
    ) -> str | None:
        """The channel ``create`` made for this day and title before a crash, if any: one the
        bot is in and that is not ``taken`` by another incident."""
        ...

    async def invite(self, channel_id: str, user_id: str) -> None: ...

    async def link(self, channel_id: str) -> RelatedItem:
        """The channel as an incident's related item: its link and its name."""
        ...

    async def archive(self, channel_id: str) -> bool:
        """Archive the channel: True when archived now, False when it was already;
        InvalidInput, saying what to do, when Slack refuses."""
        ...


class Posts(Protocol):
    """The incident's card and its announcement, each found again after a crash."""

    async def card_posted(self, channel_id: str, arn: str) -> str | None:
        """The ts of the incident's card in ``channel_id``, if it was posted."""
        ...

    async def post_card(self, channel_id: str, card: IncidentCard) -> str:
        """Post the card; its ts."""
        ...

    async def pin(self, channel_id: str, ts: str) -> None: ...

    async def announced(self, channel_id: str, arn: str) -> bool:
        """Whether the incident was announced in ``channel_id`` already."""
        ...

    async def announce(self, channel_id: str, arn: str, announcement: Announcement) -> None: ...


class Names(Protocol):
    """People's names, as the timeline and the export write them."""

    async def name_of(self, user_id: str) -> str:
        """The person's name (their id when Slack will not say)."""
        ...


class Documents(Protocol):
    """Where an incident's export is put for its review, and the messages it links to."""

    async def permalink(self, channel_id: str, ts: str) -> str | None:
        """A link to the message (None when it is gone)."""
        ...

    async def put(self, channel_id: str, export: IncidentExport) -> str:
        """Put the export in the channel; says where, in words for the person who asked.
        InvalidInput, saying what exists, when Slack refuses."""
        ...
