"""The incident timeline: notes, Slack messages as events, and keeping those in step."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from bot.aws.incidents import IncidentsPort
from bot.errors import NotFound
from bot.incidents.record import TimelineEntry
from bot.store.database import Database
from bot.store.schema import TimelineMessage
from bot.tokens import client_token

EVENT_DATA_LIMIT = 6000
CUT = "… [cut]"


@dataclass(frozen=True)
class SlackMessage:
    """A chat message, as the timeline records it."""

    channel_id: str
    ts: str
    author: str
    text: str
    permalink: str

    @property
    def time(self) -> datetime:
        return datetime.fromtimestamp(float(self.ts), UTC)


def message_data(message: SlackMessage) -> str:
    """The event's data: author, text and permalink, cut to fit AWS's 6,000 characters."""

    def encode(text: str) -> str:
        return json.dumps(f"{message.author}: {text}\n{message.permalink}")

    data = encode(message.text)
    if len(data) <= EVENT_DATA_LIMIT:
        return data
    keep = len(message.text) - (len(data) - EVENT_DATA_LIMIT) - len(CUT)
    while len(data := encode(message.text[:keep] + CUT)) > EVENT_DATA_LIMIT:
        keep -= len(data) - EVENT_DATA_LIMIT
    return data


class Timeline:
    """Every write to an incident's timeline goes through here."""

    def __init__(self, aws: IncidentsPort, database: Database) -> None:
        self.aws = aws
        self.database = database

    async def note(
        self, arn: str, text: str, client_token: str, when: datetime | None = None
    ) -> str:
        """A custom event saying ``text``, written once per ``client_token``; its id."""
        return await self.aws.create_timeline_event(arn, json.dumps(text), client_token, when)

    async def changed_by(self, arn: str, what: str, who: str, user_id: str, token: str) -> None:
        """A privileged change, with the Slack user who made it (``who`` is their name)."""
        await self.note(arn, f"{what} by {who} ({user_id}) in Slack", token)

    async def add_message(self, arn: str, message: SlackMessage) -> bool:
        """Record ``message`` once; False when it is already on the timeline."""
        try:
            async with self.database.write() as session:
                session.add(
                    TimelineMessage(
                        channel_id=message.channel_id, message_ts=message.ts, incident_arn=arn
                    )
                )
        except IntegrityError:
            return False
        try:
            event_id = await self.aws.create_timeline_event(
                arn,
                message_data(message),
                client_token("message", message.channel_id, message.ts),
                message.time,
            )
        except Exception:
            async with self.database.write() as session:
                row = await session.get(TimelineMessage, (message.channel_id, message.ts))
                await session.delete(row)
            raise
        async with self.database.write() as session:
            await session.execute(
                update(TimelineMessage)
                .where(
                    TimelineMessage.channel_id == message.channel_id,
                    TimelineMessage.message_ts == message.ts,
                )
                .values(event_id=event_id)
            )
        return True

    async def tracked(self, channel_id: str, ts: str) -> TimelineMessage | None:
        """The timeline row of a Slack message, if it was put on a timeline."""
        async with self.database.session() as session:
            return await session.get(TimelineMessage, (channel_id, ts))

    async def message_edited(self, message: SlackMessage) -> bool:
        row = await self.tracked(message.channel_id, message.ts)
        if row is None or row.event_id is None:
            return False
        await self.aws.update_timeline_event(
            row.incident_arn,
            row.event_id,
            message_data(message),
            client_token("edit", message.channel_id, message.ts, message.text),
        )
        return True

    async def message_deleted(self, channel_id: str, ts: str) -> bool:
        row = await self.tracked(channel_id, ts)
        if row is None or row.event_id is None:
            return False
        with contextlib.suppress(NotFound):  # already gone is the outcome we want
            await self.aws.delete_timeline_event(row.incident_arn, row.event_id)
        async with self.database.write() as session:
            await session.delete(await session.get(TimelineMessage, (channel_id, ts)))
        return True

    async def recent(self, arn: str, count: int) -> list[TimelineEntry]:
        """The newest ``count`` events, newest first, with their data."""
        return await self.aws.timeline_events(arn, count)
