"""Incidents started or changed outside Slack (an alarm, a rule, the console, another tool),
made visible in Slack: each new one gets a declaration's channel, card and announcement, and a
change made in AWS updates the card with one line in the channel.

A round reads one list of the open incidents (one call per 100 of them) and one of those created
since the last round, whatever their status, and diffs them against what the store last saw; only
the new and the changed are acted on. What the lists do not carry (summary, chat channel, related
items) is read in full for the changed incidents and for a few others with a channel, least
recently read first (``SYNC_DEEP_READS`` a round). The bot's own writes are recorded as seen when
it makes them, so they are never echoed as changes made in AWS.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Iterable
from datetime import UTC, datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from bot.blocks.fit import MESSAGE_TEXT, clip
from bot.errors import NotFound
from bot.incidents.declaration import START, Declarations
from bot.incidents.export import Exports
from bot.incidents.full_reads import FullRead, full_changes, identity, label, related_seen
from bot.incidents.record import OPEN, RESOLVED, Incident, RelatedItem, impact_label
from bot.incidents.service import IncidentService
from bot.mrkdwn import escape
from bot.store.database import changed
from bot.store.schema import DeclarationStep, IncidentChannel, SeenIncident, SyncMark
from bot.vocabulary import StepState

log = logging.getLogger(__name__)

MARK = "incidents"
OVERLAP_SECONDS = 60.0  # AWS's clock and ours may differ: a round looks back this far
FRESH_SECONDS = 5.0  # a timeline event younger than this is looked at next round


def changes(before: SeenIncident, now: Incident) -> list[str]:
    """What differs, each as a short sentence (``Impact raised to 1 Critical``)."""
    said = []
    if now.title != before.title:
        said.append(f"Title changed to *{escape(now.title)}*")
    if now.impact != before.impact:
        direction = "raised" if now.impact < before.impact else "lowered"
        said.append(f"Impact {direction} to {impact_label(now.impact)}")
    if now.status != before.status:
        said.append("Resolved" if now.status == RESOLVED else "Reopened")
    return said


class IncidentSync:
    def __init__(
        self, incidents: IncidentService, declarations: Declarations, exports: Exports
    ) -> None:
        self.incidents = incidents
        self.declarations = declarations
        self.exports = exports
        self.database = incidents.database
        self.slack = incidents.slack
        self.settings = incidents.settings
        self._round = asyncio.Lock()
        incidents.written_listeners.append(self.see)
        incidents.related_listeners.append(self.see_related)

    async def run(self) -> None:
        """One round: the open incidents and those created since the last round listed once;
        new ones adopted, changed ones shown, a few read in full."""
        async with self._round:
            started = time.time()
            mark = await self._mark()
            threshold = (mark or started) - OVERLAP_SECONDS
            aws = self.incidents.aws
            open_now = {i.arn: i for i in await aws.open_incidents()}
            created = await aws.created_after(datetime.fromtimestamp(threshold, UTC))
            listed = open_now | {i.arn: i for i in created}  # also those resolved already
            declaring = await self._declaring()  # asked after the lists: see _new
            seen = await self._seen(listed)
            touched = []
            for arn, incident in listed.items():
                before = seen.get(arn)
                if before is None:
                    if not declaring:
                        await self._guarded(arn, self._new(incident, threshold))
                elif before.seen_at < started and changes(before, incident):
                    touched.append(arn)
                    await self._guarded(arn, self._changed(before, incident))
            for arn, before in seen.items():
                if before.status == OPEN and arn not in listed and before.seen_at < started:
                    touched.append(arn)
                    await self._guarded(arn, self._left_open(before))
            for arn in await self._to_read(touched):
                await self._guarded(arn, self._read_in_full(arn, threshold))
            await self._set_mark(started)

    async def _guarded(self, arn: str, work: Awaitable[None]) -> None:
        """One incident's part of a round: its failure is logged and leaves the others be."""
        try:
            await work
        except Exception:
            log.exception("sync of incident %s failed", arn)

    async def see(self, incident: Incident) -> None:
        """Record the incident as the bot's own write left it (a record read in full)."""
        await self._see(incident, summary=incident.summary)

    async def _see(self, incident: Incident, **more: str) -> None:
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

    async def _new(self, incident: Incident, threshold: float) -> None:
        """An incident first seen: adopted when it began after the bot started looking, its
        plan gets channels and nobody claimed it (a Slack declaration, another worker)."""
        if incident.created.timestamp() >= threshold and self.settings.gives_channel(
            incident.response_plan
        ):
            outcome = await self.declarations.adopt(incident)
            if outcome is not None:
                log.info("incident %s started outside Slack: adopted", incident.id)
                if not incident.is_open and outcome.channel_id:  # resolved between two rounds
                    await self.exports.offer(incident.arn)
        await self._see(incident)

    async def _changed(self, before: SeenIncident, incident: Incident) -> None:
        """Shown once, however many rounds (replicas) saw the change: the one that records it."""
        said = changes(before, incident)
        listed = {"title": incident.title, "impact": incident.impact, "status": incident.status}
        if not await self._claim(before, **listed):
            return
        await self._tell(incident.arn, f"{'; '.join(said)} in AWS")
        if incident.status != before.status:
            await self._status_changed(incident)

    async def _left_open(self, before: SeenIncident) -> None:
        """An incident no longer listed as open: resolved (or deleted) in AWS."""
        try:
            incident = await self.incidents.get(before.incident_arn)
        except NotFound:
            async with self.database.write() as session:
                await session.execute(
                    delete(SeenIncident).where(SeenIncident.incident_arn == before.incident_arn)
                )
            return
        await self._changed(before, incident)

    async def _claim(self, before: SeenIncident, **now: object) -> bool:
        """Record what a round saw, unless someone recorded the incident since ``before`` was
        read (another round, the bot's own write): True for the one that did."""
        async with self.database.write() as session:
            claim = (
                update(SeenIncident)
                .where(
                    SeenIncident.incident_arn == before.incident_arn,
                    SeenIncident.seen_at == before.seen_at,
                )
                .values(seen_at=time.time(), **now)
            )
            return await changed(session, claim) == 1

    async def _status_changed(self, incident: Incident) -> None:
        """As a resolution from Slack: escalations stopped, mirrored pages told, the export and
        archiving offered; as a reopening from Slack: status update reminders again."""
        if incident.status == RESOLVED:
            for listener in self.incidents.resolved_listeners:
                await listener(incident.arn)
            await self.exports.offer(incident.arn)
        else:
            for listener in self.incidents.reopened_listeners:
                await listener(incident.arn)

    async def _tell(self, arn: str, line: str) -> None:
        """The card re-rendered, and one line in the incident's channel."""
        await self.incidents.refresh_card(arn)
        channel_id = await self.incidents.channel_of(arn)
        if channel_id:
            await self.slack.chat_postMessage(channel=channel_id, text=f":pencil2: {line}")

    # -- what only a read in full shows ---------------------------------------------
    async def _to_read(self, touched: list[str]) -> list[str]:
        """The incidents to read in full this round: those changed that have a channel, and
        ``SYNC_DEEP_READS`` other open ones with a channel, least recently read first."""
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
            .limit(self.settings.sync_deep_reads)
        )
        async with self.database.session() as session:
            changed_ones = await session.scalars(
                with_channel.where(SeenIncident.incident_arn.in_(touched))
            )
            return [*changed_ones, *await session.scalars(due)]

    async def _read_in_full(self, arn: str, threshold: float) -> None:
        """Read the record and its related items; what differs from what was last seen is
        shown, once, unless the bot itself recorded the incident meanwhile. With
        ``TIMELINE_TO_CHANNEL``, the notes people added since the last full read (or since
        ``threshold``, the first time) are shown too."""
        began = time.time()
        now = FullRead.of(
            await self.incidents.get(arn), await self.incidents.aws.related_items(arn)
        )
        async with self.database.session() as session:
            before = await session.get(SeenIncident, arn)
        if before is None or before.seen_at >= began:  # written meanwhile: read next time
            return
        said = full_changes(before, now)
        if not await self._claim(before, read_at=time.time(), **now.columns()):
            return  # another round read it
        if said:
            await self._tell(arn, "; ".join(said))
        if self.settings.timeline_to_channel:
            since = before.read_at - OVERLAP_SECONDS if before.read_at else threshold
            await self._echo_timeline(arn, since, began)

    async def see_related(self, arn: str, item: RelatedItem, added: bool) -> None:
        """Record a related item the bot itself added or removed (once the items are known)."""
        for _ in range(3):  # another write in between: read again
            async with self.database.session() as session:
                before = await session.get(SeenIncident, arn)
            items = related_seen(before) if before else None
            if before is None or items is None:
                return
            if added:
                items[identity(item)] = label(item)
            else:
                items.pop(identity(item), None)
            if await self._claim(before, related_items=json.dumps(items, sort_keys=True)):
                return

    async def _echo_timeline(self, arn: str, since: float, began: float) -> None:
        """People's notes added to the incident's timeline outside Slack, each shown once in
        its channel; the bot's own were marked known as it wrote them. An event newer than a
        few seconds waits for the next read, so the bot's own have been marked by then."""
        channel_id = await self.incidents.channel_of(arn)
        start = datetime.fromtimestamp(since, UTC)
        end = datetime.fromtimestamp(began - FRESH_SECONDS, UTC)
        for event_id in await self.incidents.aws.custom_events_between(arn, start, end):
            if await self.incidents.timeline.is_known(event_id):
                continue
            entry = await self.incidents.aws.timeline_event(arn, event_id)
            if channel_id and await self.incidents.timeline.known(event_id):
                text = f":memo: Added to the timeline in AWS: {escape(entry.text)}"
                await self.slack.chat_postMessage(channel=channel_id, text=clip(text, MESSAGE_TEXT))

    async def _declaring(self) -> bool:
        """A Slack declaration's StartIncident is under way: its incident may be listed before
        its claim is written, so nothing new is adopted this round."""
        async with self.database.session() as session:
            return bool(
                await session.scalar(
                    select(DeclarationStep.token)
                    .where(
                        DeclarationStep.step == START, DeclarationStep.state == StepState.PENDING
                    )
                    .limit(1)
                )
            )

    async def _seen(self, listed: Iterable[str]) -> dict[str, SeenIncident]:
        """What was last seen of the listed incidents and of those open then."""
        query = select(SeenIncident).where(
            or_(SeenIncident.status == OPEN, SeenIncident.incident_arn.in_(list(listed)))
        )
        async with self.database.session() as session:
            return {row.incident_arn: row for row in await session.scalars(query)}

    async def _mark(self) -> float | None:
        async with self.database.session() as session:
            row = await session.get(SyncMark, MARK)
            return row.at if row else None

    async def _set_mark(self, at: float) -> None:
        try:
            async with self.database.write() as session:
                session.add(SyncMark(name=MARK, at=at))
        except IntegrityError:
            async with self.database.write() as session:
                await session.execute(update(SyncMark).where(SyncMark.name == MARK).values(at=at))
