"""Incidents started or changed outside Slack (an alarm, a rule, the console, another tool),
made visible in Slack: each new one gets a declaration's channel, card and announcement, and a
change made in AWS updates the card with one line in the channel.

A round reads one list of the open incidents (one call per 100 of them) and diffs it against
what the store last saw; only the new and the changed are acted on. The bot's own writes are
recorded as seen when it makes them, so they are never echoed as changes made in AWS.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Iterable
from datetime import UTC, datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from bot.errors import NotFound
from bot.incidents.declaration import START, Declarations
from bot.incidents.record import OPEN, RESOLVED, Incident, impact_label
from bot.incidents.service import IncidentService
from bot.slack.blocks import escape, truncate
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
    def __init__(self, incidents: IncidentService, declarations: Declarations) -> None:
        self.incidents = incidents
        self.declarations = declarations
        self.database = incidents.database
        self.slack = incidents.slack
        self.settings = incidents.settings
        self._round = asyncio.Lock()
        incidents.written_listeners.append(self.see)

    async def run(self) -> None:
        """One round: the open incidents listed once; new ones adopted, changed ones shown."""
        async with self._round:
            started = time.time()
            mark = await self._mark()
            listed = {i.arn: i for i in await self.incidents.aws.open_incidents()}
            declaring = await self._declaring()  # asked after the list: see _new
            seen = await self._seen(listed)
            for arn, incident in listed.items():
                before = seen.get(arn)
                if before is None:
                    if not declaring:
                        threshold = (mark or started) - OVERLAP_SECONDS
                        await self._guarded(arn, self._new(incident, threshold))
                elif before.seen_at < started and changes(before, incident):
                    await self._guarded(arn, self._changed(before, incident))
            for arn, before in seen.items():
                if before.status == OPEN and arn not in listed and before.seen_at < started:
                    await self._guarded(arn, self._left_open(before))
            if self.settings.timeline_to_channel:
                await self._echo_timelines(listed, (mark or started) - OVERLAP_SECONDS, started)
            await self._set_mark(started)

    async def _guarded(self, arn: str, work: Awaitable[None]) -> None:
        """One incident's part of a round: its failure is logged and leaves the others be."""
        try:
            await work
        except Exception:
            log.exception("sync of incident %s failed", arn)

    async def see(self, incident: Incident) -> None:
        """Record the incident as it is now (read by a round, or written by the bot itself)."""
        state = {
            "title": incident.title,
            "impact": incident.impact,
            "status": incident.status,
            "seen_at": time.time(),
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
        await self.see(incident)

    async def _changed(self, before: SeenIncident, incident: Incident) -> None:
        said = changes(before, incident)
        await self.see(incident)
        await self._tell(incident.arn, said)
        if incident.status == RESOLVED:
            await self._resolved(incident.arn)

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

    async def _resolved(self, arn: str) -> None:
        """As a resolution from Slack: escalations stopped, mirrored pages told."""
        for listener in self.incidents.resolved_listeners:
            await listener(arn)

    async def _tell(self, arn: str, said: list[str]) -> None:
        """The card re-rendered, and one line in the incident's channel."""
        if not said:
            return
        await self.incidents.refresh_card(arn)
        channel_id = await self.incidents.channel_of(arn)
        if channel_id:
            line = "; ".join(said)
            await self.slack.chat_postMessage(channel=channel_id, text=f":pencil2: {line} in AWS")

    async def _echo_timelines(self, listed: Iterable[str], since: float, began: float) -> None:
        """People's notes added to an open incident's timeline outside Slack, each shown once
        in its channel; the bot's own were marked known as it wrote them. An event newer than
        a few seconds waits a round, so the bot's own have been marked by then."""
        start = datetime.fromtimestamp(since, UTC)
        end = datetime.fromtimestamp(began - FRESH_SECONDS, UTC)
        for arn, channel_id in (await self._channels(listed)).items():
            await self._guarded(arn, self._echo_timeline(arn, channel_id, start, end))

    async def _echo_timeline(
        self, arn: str, channel_id: str, start: datetime, end: datetime
    ) -> None:
        for event_id in await self.incidents.aws.custom_events_between(arn, start, end):
            if await self.incidents.timeline.is_known(event_id):
                continue
            entry = await self.incidents.aws.timeline_event(arn, event_id)
            if await self.incidents.timeline.known(event_id):
                text = f":memo: Added to the timeline in AWS: {escape(entry.text)}"
                await self.slack.chat_postMessage(channel=channel_id, text=truncate(text, 3000))

    async def _channels(self, arns: Iterable[str]) -> dict[str, str]:
        """The channels of these incidents, by incident."""
        query = select(IncidentChannel).where(
            IncidentChannel.incident_arn.in_(list(arns)), IncidentChannel.channel_id.is_not(None)
        )
        async with self.database.session() as session:
            return {r.incident_arn: str(r.channel_id) for r in await session.scalars(query)}

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
