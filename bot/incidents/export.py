"""``/incident export``: the incident, for its post-incident analysis, in its channel (where and
how is Slack's side: ``Documents``), one export of an incident at a time; and, once it is
resolved, the export and archiving its channel offered there."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import delete, select, update

from bot.errors import Conflict, InvalidInput
from bot.events import Bus
from bot.incidents.events import ExportOffered
from bot.incidents.ports import Documents, Names, Rooms
from bot.incidents.record import IncidentExport
from bot.incidents.service import IncidentService
from bot.mrkdwn import escape
from bot.store.schema import ExportClaim, TimelineMessage

STALE_SECONDS = 300.0  # an export not finished by then crashed: another may be made


class Exports:
    def __init__(
        self, incidents: IncidentService, names: Names, documents: Documents, rooms: Rooms, bus: Bus
    ) -> None:
        self.incidents = incidents
        self.names = names
        self.documents = documents
        self.rooms = rooms
        self.bus = bus

    async def gather(self, arn: str) -> IncidentExport:
        incidents = self.incidents
        incident = await incidents.get(arn)
        roles = {
            role: f"{await self.names.name_of(user)} ({user})"
            for role, user in (await incidents.roles.held(arn)).items()
        }
        return IncidentExport(
            incident=incident,
            console=incidents.console(arn),
            related_items=await incidents.aws.related_items(arn),
            roles=roles,
            timeline=await incidents.aws.whole_timeline(arn),
            permalinks=await self._permalinks(arn),
        )

    async def _permalinks(self, arn: str) -> dict[str, str]:
        """Timeline event id → permalink of the Slack message it records."""
        async with self.incidents.database.session() as session:
            rows = (
                await session.scalars(
                    select(TimelineMessage).where(
                        TimelineMessage.incident_arn == arn, TimelineMessage.event_id.is_not(None)
                    )
                )
            ).all()
        links: dict[str, str] = {}
        for row in rows:
            link = await self.documents.permalink(row.channel_id, row.message_ts)
            if link is not None:  # None: a message deleted since; its event says what it was
                links[str(row.event_id)] = link
        return links

    async def export(self, arn: str) -> str:
        """Put the export in the incident's channel; says where (a canvas or a file)."""
        channel = await self.incidents.channel_of(arn)
        if not channel:
            raise InvalidInput(
                "This incident has no channel to export into: run `/incident export` in its "
                "channel once it has one."
            )
        async with self._exporting(arn):
            return await self.documents.put(channel, await self.gather(arn))

    @asynccontextmanager
    async def _exporting(self, arn: str) -> AsyncIterator[None]:
        """One export of an incident at a time, across presses and replicas; Conflict while
        another is being made. Once it is done, the incident may be exported again."""
        claimed_at = time.time()
        if not await self._claim(arn, claimed_at):
            raise Conflict(
                "An export of this incident is being made; it will appear in the channel."
            )
        try:
            yield
        finally:
            async with self.incidents.database.write() as session:
                await session.execute(
                    delete(ExportClaim).where(
                        ExportClaim.incident_arn == arn, ExportClaim.claimed_at == claimed_at
                    )
                )

    async def _claim(self, arn: str, claimed_at: float) -> bool:
        stale = update(ExportClaim).where(
            ExportClaim.incident_arn == arn, ExportClaim.claimed_at < claimed_at - STALE_SECONDS
        )
        return await self.incidents.database.insert_or_take_over(
            ExportClaim(incident_arn=arn, claimed_at=claimed_at),
            stale.values(claimed_at=claimed_at),
        )

    async def archive_channel(self, arn: str) -> tuple[str, bool]:
        """Archive the channel of an incident resolved now (an offer made before it was
        reopened, in Slack or in AWS, is stale): its id, and whether it was archived now
        (False: it was already). InvalidInput, saying what to do, when it has none, is open
        again, or Slack refuses."""
        channel = await self.incidents.channel_of(arn)
        if not channel:
            raise InvalidInput("This incident has no channel to archive.")
        incident = await self.incidents.get(arn)
        if incident.is_open:
            raise Conflict(
                f"*{escape(incident.title)}* was reopened since this offer: it is open, so its "
                "channel stays. Once it is resolved again, archive it from the new offer."
            )
        return channel, await self.rooms.archive(channel)

    async def offer(self, arn: str) -> None:
        """Offered in the channel of an incident just resolved (in Slack, after the resolution
        is said; in AWS, by the sync): the export, and archiving the channel."""
        channel = await self.incidents.channel_of(arn)
        if not channel:
            return
        await self.bus.publish(ExportOffered(await self.incidents.get(arn), channel))
