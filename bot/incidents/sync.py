"""Incidents started or changed outside Slack (an alarm, a rule, the console, another tool),
made visible in Slack: each new one gets a declaration's channel, card and announcement, and a
change made in AWS updates the card with one line in the channel.

A round reads one list of the open incidents (one call per 100 of them) and one of those created
since the last round, whatever their status, and diffs them against what the store last saw; only
the new and the changed are acted on. What the lists do not carry (summary, chat channel, related
items) is read in full for the changed incidents and for a few others with a channel, least
recently read first (``SYNC_DEEP_READS`` a round). The bot's own writes are recorded as seen when
it makes them (``seen.py``), so they are never echoed as changes made in AWS. What the channel
is told is said on the bus.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable
from datetime import UTC, datetime

from bot.errors import NotFound
from bot.events import Bus
from bot.incidents.declaration import Declarations
from bot.incidents.events import ChangedInAws, IncidentReopened, IncidentResolved, NoteAddedInAws
from bot.incidents.export import Exports
from bot.incidents.full_reads import FullRead, full_changes
from bot.incidents.record import OPEN, RESOLVED, Incident, impact_label
from bot.incidents.seen import SeenIncidents
from bot.incidents.service import IncidentService
from bot.mrkdwn import escape
from bot.store.schema import SeenIncident

log = logging.getLogger(__name__)

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
        self,
        incidents: IncidentService,
        declarations: Declarations,
        exports: Exports,
        seen: SeenIncidents,
        bus: Bus,
    ) -> None:
        self.incidents = incidents
        self.declarations = declarations
        self.exports = exports
        self.seen = seen
        self.bus = bus
        self.settings = incidents.settings
        self._round = asyncio.Lock()

    async def run(self) -> None:
        """One round: the open incidents and those created since the last round listed once;
        new ones adopted, changed ones shown, a few read in full."""
        async with self._round:
            started = time.time()
            mark = await self.seen.mark()
            threshold = (mark or started) - OVERLAP_SECONDS
            aws = self.incidents.aws
            open_now = {i.arn: i for i in await aws.open_incidents()}
            created = await aws.created_after(datetime.fromtimestamp(threshold, UTC))
            listed = open_now | {i.arn: i for i in created}  # also those resolved already
            # asked after the lists: a Slack declaration's incident may be listed before its
            # claim is written, so nothing new is adopted while one is starting
            declaring = await self.declarations.starting()
            seen = await self.seen.rows(listed)
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
            for arn in await self.seen.to_read(touched, self.settings.sync_deep_reads):
                await self._guarded(arn, self._read_in_full(arn, threshold))
            await self.seen.set_mark(started)

    async def _guarded(self, arn: str, work: Awaitable[None]) -> None:
        """One incident's part of a round: its failure is logged and leaves the others be."""
        try:
            await work
        except Exception:
            log.exception("sync of incident %s failed", arn)

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
        await self.seen.record(incident)

    async def _changed(self, before: SeenIncident, incident: Incident) -> None:
        """Shown once, however many rounds (replicas) saw the change: the one that records it."""
        said = changes(before, incident)
        listed = {"title": incident.title, "impact": incident.impact, "status": incident.status}
        if not await self.seen.claim(before, **listed):
            return
        await self._tell(incident.arn, f"{'; '.join(said)} in AWS")
        if incident.status != before.status:
            await self._status_changed(incident)

    async def _left_open(self, before: SeenIncident) -> None:
        """An incident no longer listed as open: resolved (or deleted) in AWS."""
        try:
            incident = await self.incidents.get(before.incident_arn)
        except NotFound:
            await self.seen.forget(before.incident_arn)
            return
        await self._changed(before, incident)

    async def _status_changed(self, incident: Incident) -> None:
        """As a resolution from Slack: escalations stopped, mirrored pages told, the export and
        archiving offered; as a reopening from Slack: status update reminders again."""
        if incident.status == RESOLVED:
            await self.bus.publish(IncidentResolved(incident.arn))
            await self.exports.offer(incident.arn)
        else:
            await self.bus.publish(IncidentReopened(incident.arn))

    async def _tell(self, arn: str, line: str) -> None:
        """The card shown again, and one line in the incident's channel."""
        await self.incidents.refresh_card(arn)
        channel_id = await self.incidents.channel_of(arn)
        if channel_id:
            await self.bus.publish(ChangedInAws(arn, channel_id, line))

    # -- what only a read in full shows ---------------------------------------------
    async def _read_in_full(self, arn: str, threshold: float) -> None:
        """Read the record and its related items; what differs from what was last seen is
        shown, once, unless the bot itself recorded the incident meanwhile. With
        ``TIMELINE_TO_CHANNEL``, the notes people added since the last full read (or since
        ``threshold``, the first time) are shown too."""
        began = time.time()
        now = FullRead.of(
            await self.incidents.get(arn), await self.incidents.aws.related_items(arn)
        )
        before = await self.seen.row(arn)
        if before is None or before.seen_at >= began:  # written meanwhile: read next time
            return
        said = full_changes(before, now)
        if not await self.seen.claim(before, read_at=time.time(), **now.columns()):
            return  # another round read it
        if said:
            await self._tell(arn, "; ".join(said))
        if self.settings.timeline_to_channel:
            since = before.read_at - OVERLAP_SECONDS if before.read_at else threshold
            await self._echo_timeline(arn, since, began)

    async def _echo_timeline(self, arn: str, since: float, began: float) -> None:
        """People's notes added to the incident's timeline outside Slack, each shown once in
        its channel; the bot's own were marked known as it wrote them. An event newer than a
        few seconds waits for the next read, so the bot's own have been marked by then."""
        channel_id = await self.incidents.channel_of(arn)
        start = datetime.fromtimestamp(since, UTC)
        end = datetime.fromtimestamp(began - FRESH_SECONDS, UTC)
        timeline, aws = self.incidents.timeline, self.incidents.aws
        for event_id in await aws.custom_events_between(arn, start, end):
            if await timeline.is_known(event_id):
                continue
            entry = await aws.timeline_event(arn, event_id)
            if channel_id and await timeline.known(event_id):
                await self.bus.publish(NoteAddedInAws(arn, channel_id, entry.text))
