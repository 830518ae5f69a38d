"""The incident timeline: notes, Slack messages as events, and keeping those in step."""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.exc import IntegrityError

from bot.aws.incidents import IncidentsPort, note_limit
from bot.errors import InvalidInput, NotFound
from bot.incidents.record import TimelineEntry
from bot.store.database import Database
from bot.store.schema import KnownTimelineEvent, TimelineMessage
from bot.tokens import client_token

EVENT_DATA_LIMIT = 6000
ABANDONED_SECONDS = 120.0  # a message's event not created by then: its creator died
CUT = "… [cut]"


@dataclass(frozen=True)
class SlackMessage:
    """A chat message, as the timeline records it."""

    channel_id: str
    ts: str
    author: str
    text: str
    permalink: str


def event_data(text: str, tail: str = "") -> str:
    """``text`` then ``tail`` as an event's data (a JSON string, its characters as they are),
    ``text`` cut with ``CUT`` where both would not fit AWS's 6,000 characters."""

    def encode(head: str) -> str:
        return note_data(head + tail)

    data = encode(text)
    if len(data) <= EVENT_DATA_LIMIT:
        return data
    keep = len(text) - (len(data) - EVENT_DATA_LIMIT) - len(CUT)
    while len(data := encode(text[:keep] + CUT)) > EVENT_DATA_LIMIT:
        keep -= len(data) - EVENT_DATA_LIMIT
    return data


def message_data(message: SlackMessage) -> str:
    """The event's data: author, text and permalink, the text cut to fit AWS's limit."""
    return event_data(f"{message.author}: {message.text}", f"\n{message.permalink}")


def check_note(text: str) -> str:
    """A note a person wrote, refused when the timeline cannot hold it whole."""
    if len(note_data(text)) > note_limit():
        raise InvalidInput(
            f"The note is {len(text):,} characters; an Incident Manager timeline event holds "
            f"{note_limit():,}. Shorten it, or split it over several notes."
        )
    return text


def note_data(text: str) -> str:
    """A note as an event's data: a JSON string, its characters as they are."""
    return json.dumps(text, ensure_ascii=False)


def _key(channel_id: str, ts: str) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    return TimelineMessage.channel_id == channel_id, TimelineMessage.message_ts == ts


class Timeline:
    """Every write to an incident's timeline goes through here."""

    def __init__(self, aws: IncidentsPort, database: Database) -> None:
        self.aws = aws
        self.database = database

    async def note(
        self, arn: str, text: str, client_token: str, when: datetime | None = None
    ) -> str:
        """A custom event saying ``text``, written once per ``client_token``; its id."""
        event_id = await self.aws.create_timeline_event(arn, note_data(text), client_token, when)
        await self.known(event_id)
        return event_id

    async def is_known(self, event_id: str) -> bool:
        async with self.database.session() as session:
            return await session.get(KnownTimelineEvent, event_id) is not None

    async def known(self, event_id: str) -> bool:
        """Mark an event as the bot's own or as shown in the channel; False if it was so."""
        try:
            async with self.database.write() as session:
                session.add(KnownTimelineEvent(event_id=event_id))
        except IntegrityError:
            return False
        return True

    async def changed_by(self, arn: str, what: str, who: str, user_id: str, token: str) -> None:
        """A privileged change, with the Slack user who made it (``who`` is their name)."""
        await self.note(arn, f"{what} by {who} ({user_id}) in Slack", token)

    async def add_message(self, arn: str, message: SlackMessage) -> bool:
        """Record ``message`` once; False when it is already on the timeline.

        The row is claimed, with the event's data, before the event is created; an edit or
        delete that arrives before the event's id is saved leaves its wish on the row, and it is
        carried out here. A claim whose creator died is finished by ``finish_claims``.
        """
        data = message_data(message)
        try:
            async with self.database.write() as session:
                session.add(
                    TimelineMessage(
                        channel_id=message.channel_id,
                        message_ts=message.ts,
                        incident_arn=arn,
                        event_data=data,
                        claimed_at=time.time(),
                    )
                )
        except IntegrityError:
            return False
        try:
            await self._create(message.channel_id, message.ts, arn, data)
        except Exception:
            async with self.database.write() as session:
                await session.execute(
                    delete(TimelineMessage).where(*_key(message.channel_id, message.ts))
                )
            raise
        return True

    async def finish_claims(self, older_than: float = ABANDONED_SECONDS) -> int:
        """Create the events of messages claimed longer ago than ``older_than`` seconds and
        never given an event id (their creator crashed); the same client token makes a
        creator still running and this one land on one event. How many were finished."""
        query = select(TimelineMessage).where(
            TimelineMessage.event_id.is_(None),
            TimelineMessage.event_data.is_not(None),
            TimelineMessage.claimed_at < time.time() - older_than,
        )
        async with self.database.session() as session:
            abandoned = (await session.scalars(query)).all()
        for row in abandoned:
            assert row.event_data is not None
            await self._create(row.channel_id, row.message_ts, row.incident_arn, row.event_data)
        return len(abandoned)

    async def _create(self, channel_id: str, ts: str, arn: str, data: str) -> None:
        """The message's event, its id saved, then the edit or delete that waited for it."""
        key = _key(channel_id, ts)
        event_id = await self.aws.create_timeline_event(
            arn,
            data,
            client_token("message", channel_id, ts),
            datetime.fromtimestamp(float(ts), UTC),
        )
        await self.known(event_id)
        async with self.database.write() as session:
            await session.execute(update(TimelineMessage).where(*key).values(event_id=event_id))
            row = await session.scalar(select(TimelineMessage).where(*key))
        if row is not None and row.deleted:
            await self._remove(row)
        elif row is not None and row.pending_data:
            await self._rewrite(row, row.pending_data)

    async def tracked(self, channel_id: str, ts: str) -> TimelineMessage | None:
        """The timeline row of a Slack message, if it was put on a timeline."""
        async with self.database.session() as session:
            return await session.get(TimelineMessage, (channel_id, ts))

    async def message_edited(self, message: SlackMessage) -> bool:
        data = message_data(message)
        row = await self._landed(message.channel_id, message.ts, pending_data=data)
        if row is None:
            return False
        await self._rewrite(row, data)
        return True

    async def message_deleted(self, channel_id: str, ts: str) -> bool:
        row = await self._landed(channel_id, ts, deleted=True)
        if row is None:
            return False
        await self._remove(row)
        return True

    async def _landed(self, channel_id: str, ts: str, **wish: object) -> TimelineMessage | None:
        """The row of a message whose event exists; while the event is still being created,
        ``wish`` is left on the row for its creator (and None returned)."""
        key = _key(channel_id, ts)
        row = await self.tracked(channel_id, ts)
        if row is None or row.event_id is not None:
            return row
        waiting = await self.database.compare_and_set(
            update(TimelineMessage).where(*key, TimelineMessage.event_id.is_(None)).values(**wish)
        )
        return None if waiting else await self.tracked(channel_id, ts)  # it landed meanwhile

    async def _rewrite(self, row: TimelineMessage, data: str) -> None:
        assert row.event_id is not None
        await self.aws.update_timeline_event(
            row.incident_arn,
            row.event_id,
            data,
            client_token("edit", row.channel_id, row.message_ts, data),
        )

    async def _remove(self, row: TimelineMessage) -> None:
        """Delete the event and its row; a delivery racing this one finds either gone."""
        assert row.event_id is not None
        with contextlib.suppress(NotFound):  # already gone is the outcome we want
            await self.aws.delete_timeline_event(row.incident_arn, row.event_id)
        async with self.database.write() as session:
            await session.execute(
                delete(TimelineMessage).where(*_key(row.channel_id, row.message_ts))
            )

    async def recent(self, arn: str, count: int) -> list[TimelineEntry]:
        """The newest ``count`` events, newest first, with their data."""
        return await self.aws.timeline_events(arn, count)
