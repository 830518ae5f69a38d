"""What the sync last saw of each incident (table ``seen_incidents``), and where its last round
began (``sync_marks``). The bot's own writes are recorded here as it makes them (it hears them
on the bus), so the sync never echoes them as changes made in AWS; a change is claimed with a
compare-and-set on the row, so two rounds (two replicas) say it once."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from bot.incidents.events import IncidentUpdated, RelatedItemLinked, RelatedItemUnlinked
from bot.incidents.full_reads import identity, label, related_seen
from bot.incidents.record import OPEN, Incident
from bot.store.database import Database
from bot.store.schema import IncidentChannel, SeenIncident, SyncMark

MARK = "incidents"


class SeenIncidents:
    def __init__(self, database: Database) -> None:
        self.database = database

    # -- the bot's own writes, heard on the bus ---------------------------------
    async def updated(self, event: IncidentUpdated) -> None:
        """Record the incident as the bot's own write left it (a record read in full)."""
        await self.record(event.incident, summary=event.incident.summary)

    async def linked(self, event: RelatedItemLinked) -> None:
        await self._related(event.arn, identity(event.item), label(event.item))

    async def unlinked(self, event: RelatedItemUnlinked) -> None:
        await self._related(event.arn, identity(event.item), None)

    async def _related(self, arn: str, key: str, shown: str | None) -> None:
        """Record a related item the bot itself added (``shown``) or removed (None), once the
        incident's items are known."""
        for _ in range(3):  # another write in between: read again
            before = await self.row(arn)
            items = related_seen(before) if before else None
            if before is None or items is None:
                return
            if shown is None:
                items.pop(key, None)
            else:
                items[key] = shown
            if await self.claim(before, related_items=json.dumps(items, sort_keys=True)):
                return

    # -- the rows ------------------------------------------------------------------
    async def record(self, incident: Incident, **more: str) -> None:
        """Record the incident as it is now (read by a round, or written by the bot itself)."""
        state = {
            "title": incident.title,
            "impact": incident.impact,
            "status": incident.status,
            "seen_at": time.time(),
            **more,
        }
        try:
            async with self.database.write() as session:
                session.add(SeenIncident(incident_arn=incident.arn, **state))
        except IntegrityError:
            async with self.database.write() as session:
                await session.execute(
                    update(SeenIncident)
                    .where(SeenIncident.incident_arn == incident.arn)
                    .values(**state)
                )

    async def claim(self, before: SeenIncident, **now: object) -> bool:
        """Record what a round saw, unless someone recorded the incident since ``before`` was
        read (another round, the bot's own write): True for the one that did."""
        return await self.database.compare_and_set(
            update(SeenIncident)
            .where(
                SeenIncident.incident_arn == before.incident_arn,
                SeenIncident.seen_at == before.seen_at,
            )
            .values(seen_at=time.time(), **now)
        )

    async def row(self, arn: str) -> SeenIncident | None:
        async with self.database.session() as session:
            return await session.get(SeenIncident, arn)

    async def rows(self, listed: Iterable[str]) -> dict[str, SeenIncident]:
        """What was last seen of the listed incidents and of those open then."""
        query = select(SeenIncident).where(
            or_(SeenIncident.status == OPEN, SeenIncident.incident_arn.in_(list(listed)))
        )
        async with self.database.session() as session:
            return {row.incident_arn: row for row in await session.scalars(query)}

    async def forget(self, arn: str) -> None:
        """The incident is gone from AWS."""
        async with self.database.write() as session:
            await session.execute(delete(SeenIncident).where(SeenIncident.incident_arn == arn))

    async def to_read(self, touched: list[str], deep_reads: int) -> list[str]:
        """The incidents to read in full this round: those changed that have a channel, and
        ``deep_reads`` other open ones with a channel, least recently read first."""
        with_channel = (
            select(SeenIncident.incident_arn)
            .join(IncidentChannel, IncidentChannel.incident_arn == SeenIncident.incident_arn)
            .where(IncidentChannel.channel_id.is_not(None))
        )
        due = (
            with_channel.where(
                SeenIncident.status == OPEN, SeenIncident.incident_arn.not_in(touched)
            )
            .order_by(SeenIncident.read_at.asc().nulls_first(), SeenIncident.incident_arn)
            .limit(deep_reads)
        )
        async with self.database.session() as session:
            changed_ones = await session.scalars(
                with_channel.where(SeenIncident.incident_arn.in_(touched))
            )
            return [*changed_ones, *await session.scalars(due)]

    # -- where the last round began ----------------------------------------------------
    async def mark(self) -> float | None:
        async with self.database.session() as session:
            row = await session.get(SyncMark, MARK)
            return row.at if row else None

    async def set_mark(self, at: float) -> None:
        try:
            async with self.database.write() as session:
                session.add(SyncMark(name=MARK, at=at))
        except IntegrityError:
            async with self.database.write() as session:
                await session.execute(update(SyncMark).where(SyncMark.name == MARK).values(at=at))
