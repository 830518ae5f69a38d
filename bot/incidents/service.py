"""What responders do to incidents in Incident Manager, each write once; what happened is said
on the bus (the card shown again, the incident resolved or reopened)."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import Any
from urllib.parse import quote

from sqlalchemy import select, update

from bot.aws.incidents import IncidentsPort
from bot.config import Settings
from bot.errors import Conflict, InvalidInput, NotFound
from bot.events import Bus
from bot.incidents.events import CardChanged, IncidentReopened, IncidentResolved, IncidentUpdated
from bot.incidents.record import OPEN, RESOLVED, Incident, IncidentCard, ResponsePlan
from bot.incidents.roles import Roles
from bot.incidents.status_changes import changing_status
from bot.mrkdwn import escape
from bot.store.database import Database
from bot.store.schema import IncidentChannel
from bot.timeline import Timeline

log = logging.getLogger(__name__)

ARN_PREFIX = "arn:aws:ssm-incidents::"


class NotAnIncidentChannel(InvalidInput):
    """The command needs an incident and the channel has none; a picker can help."""


class IncidentService:
    def __init__(
        self,
        aws: IncidentsPort,
        timeline: Timeline,
        database: Database,
        settings: Settings,
        bus: Bus,
    ) -> None:
        self.aws = aws
        self.timeline = timeline
        self.database = database
        self.settings = settings
        self.bus = bus
        self.roles = Roles(database, settings.roles)
        self._reading: dict[str, asyncio.Future[Incident]] = {}

    # -- reading -----------------------------------------------------------
    async def response_plans(self) -> list[ResponsePlan]:
        return await self.aws.response_plans()

    async def get(self, arn: str) -> Incident:
        """The incident as AWS has it now; callers asking at the same time (a storm of stages
        of one incident) share one ``GetIncidentRecord``."""
        reading = self._reading.get(arn)
        if reading is None:
            reading = asyncio.ensure_future(self.aws.incident(arn))
            self._reading[arn] = reading
            reading.add_done_callback(lambda _: self._reading.pop(arn, None))
        return await asyncio.shield(reading)

    async def channel_row(self, arn: str) -> IncidentChannel | None:
        async with self.database.session() as session:
            return await session.get(IncidentChannel, arn)

    async def channel_of(self, arn: str) -> str | None:
        row = await self.channel_row(arn)
        return row.channel_id if row else None

    async def arn_of_channel(self, channel_id: str) -> str | None:
        async with self.database.session() as session:
            return await session.scalar(
                select(IncidentChannel.incident_arn).where(IncidentChannel.channel_id == channel_id)
            )

    async def for_channel(self, channel_id: str) -> Incident | None:
        arn = await self.arn_of_channel(channel_id)
        return await self.get(arn) if arn else None

    async def target(self, channel_id: str, reference: str | None) -> Incident:
        """The incident named by id or ARN, else this channel's incident."""
        return await self.get(await self.target_arn(channel_id, reference))

    async def target_arn(self, channel_id: str, reference: str | None) -> str:
        """The ARN of the incident named by id or ARN, else of this channel's incident; AWS is
        asked only for an id the bot has not seen."""
        if reference:
            return await self._arn_for(reference.strip())
        arn = await self.arn_of_channel(channel_id)
        if arn is None:
            raise NotAnIncidentChannel(
                "This channel is not an incident channel: run the command in the incident's "
                "channel, or name the incident by id, e.g. `/incident status <id>` "
                "(`/incident list` shows the ids)."
            )
        return arn

    async def _arn_for(self, reference: str) -> str:
        if reference.startswith(ARN_PREFIX):
            return reference
        async with self.database.session() as session:
            known = await session.scalar(
                select(IncidentChannel.incident_arn).where(
                    IncidentChannel.incident_arn.endswith(f"/{reference}", autoescape=True)
                )
            )
        if known:
            return known
        for incident in await self.list("all"):
            if incident.id == reference:
                return incident.arn
        raise NotFound(
            f"No incident has the id `{escape(reference)}`. `/incident list all` shows them."
        )

    async def list(self, which: str = "open", limit: int | None = None) -> list[Incident]:
        """Incidents by status (``open``, ``resolved``, ``all``): every one, or the first
        ``limit``."""
        status = which.upper() if which in (OPEN.lower(), RESOLVED.lower()) else None
        return await self.aws.incidents(status, limit)

    async def related_count(self, arn: str) -> int:
        return len(await self.aws.related_items(arn))

    # -- writing -----------------------------------------------------------
    async def record_channel(self, arn: str, **values: str) -> None:
        """Write the incident's channel id or card ts (its row exists from the declaration)."""
        async with self.database.write() as session:
            await session.execute(
                update(IncidentChannel).where(IncidentChannel.incident_arn == arn).values(**values)
            )

    async def update(self, arn: str, client_token: str, **changes: Any) -> Incident:
        """Send only what differs from the record; the card shown again."""
        current = await self.get(arn)
        changed = {
            key: value
            for key, value in changes.items()
            if value is not None and getattr(current, key) != value
        }
        if "status" in changed and changed["status"] not in (OPEN, RESOLVED):
            raise InvalidInput("Status must be OPEN or RESOLVED.")
        if not changed:
            return current
        await self.aws.update_incident(arn, client_token, **changed)
        await self.bus.publish(IncidentUpdated(dataclasses.replace(current, **changed)))
        await self.refresh_card(arn)
        if changed.get("status") == RESOLVED:
            await self.bus.publish(IncidentResolved(arn))
        if changed.get("status") == OPEN:
            await self.bus.publish(IncidentReopened(arn))
        return await self.get(arn)

    async def set_status(self, arn: str, status: str, by: str, client_token: str) -> Incident:
        """Resolve or reopen once, however many press at once; Conflict when it is so already
        or someone is changing it right now (nothing is changed or posted then)."""
        async with changing_status(self.database, arn, status, by):
            current = await self.get(arn)
            if current.status == status:
                raise Conflict(
                    f"*{escape(current.title)}* is already {status.lower()}; nothing was changed."
                )
            return await self.update(arn, client_token, status=status)

    async def refresh_card(self, arn: str) -> None:
        """Show the pinned card again, as the incident is now; one without a card has none."""
        row = await self.channel_row(arn)
        if row is None or not row.card_ts or not row.channel_id:
            return
        await self.bus.publish(CardChanged(await self.card(arn), row.channel_id, row.card_ts))

    async def card(self, arn: str) -> IncidentCard:
        """What the incident's card shows now."""
        return IncidentCard(
            await self.get(arn),
            await self.related_count(arn),
            self.console(arn),
            await self.roles.held(arn),
        )

    def console(self, arn: str) -> str:
        """The incident in the AWS console."""
        base, region = self.settings.aws_console_url, self.aws.region
        return f"{base}/home?region={region}#/incident/{quote(arn, safe='')}"
