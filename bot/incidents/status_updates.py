"""Status updates posted from Slack, and the reminder to post one when none came for a while.

Each incident with a channel has a row saying when its channel is next reminded (``due_at``).
The leader's planner arms a row for every new incident channel and, each second, claims the
rows fallen due with a compare-and-set, so each reminder is posted once whichever replica leads
and whatever restarted meanwhile; a resolved incident's row is disarmed (``due_at`` None).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.events import Bus
from bot.incidents.events import (
    IncidentReopened,
    IncidentResolved,
    StatusUpdateDue,
    StatusUpdatePosted,
)
from bot.incidents.ports import Names
from bot.incidents.record import Incident
from bot.incidents.service import IncidentService
from bot.store.schema import IncidentChannel, UpdateReminder
from bot.tokens import client_token

log = logging.getLogger(__name__)

ANNOUNCED_IMPACTS = (1, 2)  # Critical and High updates also go to ANNOUNCE_CHANNEL


@dataclass(frozen=True)
class StatusUpdate:
    """What a responder wrote in the status update form."""

    arn: str
    status: str
    impact: int
    what: str
    next_minutes: float | None


class StatusUpdates:
    def __init__(self, incidents: IncidentService, names: Names, bus: Bus) -> None:
        self.incidents = incidents
        self.names = names
        self.bus = bus
        self.database = incidents.database
        self.settings = incidents.settings

    def minutes_for(self, impact: int) -> float:
        """How long an incident of ``impact`` may go without an update."""
        return self.settings.update_reminder_minutes[impact - 1]

    async def post(self, posted: StatusUpdate, user_id: str, token: str) -> Incident:
        """Apply the status and impact, then put the update on the timeline, in the channel
        and, for impact 1 or 2, in the announcement channel; the next reminder moves on."""
        incident = await self.incidents.update(
            posted.arn, client_token(token, "record"), status=posted.status, impact=posted.impact
        )
        name = await self.names.name_of(user_id)
        await self.incidents.timeline.note(
            incident.arn,
            f"Status update by {name} ({user_id}) in Slack: {posted.what}",
            client_token(token, "timeline"),
        )
        next_minutes = posted.next_minutes or self.minutes_for(incident.impact)
        places = [await self.incidents.channel_of(incident.arn)]
        if incident.impact in ANNOUNCED_IMPACTS:
            places.append(self.settings.announce_channel)
        channels = tuple(dict.fromkeys(p for p in places if p))
        await self.bus.publish(
            StatusUpdatePosted(incident, user_id, posted.what, next_minutes, channels)
        )
        due = time.time() + next_minutes * 60 if incident.is_open else None
        await self._set_due(incident.arn, due)
        return incident

    async def incident_resolved(self, event: IncidentResolved) -> None:
        """No more reminders for a resolved incident."""
        await self._set_due(event.arn, None)

    async def incident_reopened(self, event: IncidentReopened) -> None:
        """A reopened incident is reminded again, an interval from now."""
        incident = await self.incidents.get(event.arn)
        await self._set_due(event.arn, time.time() + self.minutes_for(incident.impact) * 60)

    async def _set_due(self, arn: str, due: float | None) -> None:
        async with self.database.write() as session:
            row = await session.get(UpdateReminder, arn)
            if row is None:
                session.add(UpdateReminder(incident_arn=arn, due_at=due))
            else:
                row.due_at = due

    # -- the leader's planner ----------------------------------------------
    async def remind_due(self) -> None:
        """Arm a row for each new incident channel, then remind the channels fallen due."""
        await self._arm_new()
        async with self.database.session() as session:
            due = (
                await session.execute(
                    select(UpdateReminder.incident_arn, UpdateReminder.due_at).where(
                        UpdateReminder.due_at <= time.time()
                    )
                )
            ).all()
        for arn, due_at in due:
            try:
                await self._remind(arn, due_at)
            except Exception:  # one incident's failure must not keep the others waiting
                log.exception("could not remind %s to post a status update", arn)

    async def _arm_new(self) -> None:
        query = (
            select(IncidentChannel.incident_arn)
            .outerjoin(UpdateReminder, UpdateReminder.incident_arn == IncidentChannel.incident_arn)
            .where(
                IncidentChannel.card_ts.is_not(None),
                UpdateReminder.incident_arn.is_(None),
            )
        )
        async with self.database.session() as session:
            new = (await session.scalars(query)).all()
        for arn in new:
            incident = await self.incidents.get(arn)
            due = time.time() + self.minutes_for(incident.impact) * 60
            try:
                async with self.database.write() as session:
                    session.add(
                        UpdateReminder(incident_arn=arn, due_at=due if incident.is_open else None)
                    )
            except IntegrityError:  # an update was posted meanwhile: its row stands
                pass

    async def _remind(self, arn: str, due_at: float | None) -> None:
        """Claim this due time (compare-and-set), then remind the channel once."""
        incident = await self.incidents.get(arn)
        minutes = self.minutes_for(incident.impact)
        following = time.time() + minutes * 60 if incident.is_open else None
        won = await self.database.compare_and_set(
            update(UpdateReminder)
            .where(UpdateReminder.incident_arn == arn, UpdateReminder.due_at == due_at)
            .values(due_at=following)
        )
        channel = await self.incidents.channel_of(arn)
        if not won or not incident.is_open or not channel:
            return
        await self.bus.publish(StatusUpdateDue(incident, channel, minutes))
