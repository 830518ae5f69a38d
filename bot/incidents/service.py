"""What responders do to incidents, in Incident Manager and in Slack, each write once."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select, update

from bot.aws.incidents import IncidentsPort
from bot.blocks.card import card_blocks, card_text, console_url
from bot.config import Settings
from bot.errors import Conflict, InvalidInput, NotFound
from bot.incidents.record import OPEN, RESOLVED, Incident, RelatedItem, ResponsePlan
from bot.incidents.roles import Roles
from bot.incidents.status_changes import changing_status
from bot.mrkdwn import escape
from bot.store.database import Database
from bot.store.schema import IncidentChannel
from bot.timeline import Timeline

log = logging.getLogger(__name__)

Blocks = list[dict[str, Any]]

ARN_PREFIX = "arn:aws:ssm-incidents::"


class NotAnIncidentChannel(InvalidInput):
    """The command needs an incident and the channel has none; a picker can help."""


class IncidentService:
    def __init__(
        self,
        aws: IncidentsPort,
        timeline: Timeline,
        database: Database,
        slack: AsyncWebClient,
        settings: Settings,
    ) -> None:
        self.aws = aws
        self.timeline = timeline
        self.database = database
        self.slack = slack
        self.settings = settings
        self.roles = Roles(database, settings.roles)
        self.resolved_listeners: list[Callable[[str], Awaitable[None]]] = []
        # told the record as the bot's own write left it, so the sync does not echo it
        self.written_listeners: list[Callable[[Incident], Awaitable[None]]] = []
        # told each related item the bot itself added (True) or removed (False), likewise
        self.related_listeners: list[Callable[[str, RelatedItem, bool], Awaitable[None]]] = []
        self.reopened_listeners: list[Callable[[str], Awaitable[None]]] = []
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

    async def related_written(self, arn: str, item: RelatedItem, added: bool) -> None:
        """The bot added (or removed) ``item``: told to those who must not echo it."""
        for listener in self.related_listeners:
            await listener(arn, item, added)

    async def update(self, arn: str, client_token: str, **changes: Any) -> Incident:
        """Send only what differs from the record; refresh the card."""
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
        for written in self.written_listeners:
            await written(dataclasses.replace(current, **changed))
        await self.refresh_card(arn)
        if changed.get("status") == RESOLVED:
            for listener in self.resolved_listeners:
                await listener(arn)
        if changed.get("status") == OPEN:
            for listener in self.reopened_listeners:
                await listener(arn)
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
        """Re-render the pinned card in place; an incident without a card has nothing to do."""
        row = await self.channel_row(arn)
        if row is None or not row.card_ts or not row.channel_id:
            return
        incident = await self.get(arn)
        blocks = card_blocks(
            incident,
            await self.related_count(arn),
            self.console(arn),
            await self.roles.held(arn),
        )
        await self.slack.chat_update(
            channel=row.channel_id, ts=row.card_ts, text=card_text(incident), blocks=blocks
        )

    async def card(self, arn: str) -> tuple[str, Blocks]:
        incident = await self.get(arn)
        return card_text(incident), card_blocks(
            incident, await self.related_count(arn), self.console(arn), await self.roles.held(arn)
        )

    def console(self, arn: str) -> str:
        return console_url(self.settings.aws_console_url, self.aws.region, arn)

    def channel_url(self, channel_id: str) -> str:
        return f"https://slack.com/app_redirect?channel={channel_id}"
