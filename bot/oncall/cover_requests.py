"""**Cover for me**: a request posted in ``ONCALL_CHANNEL`` with **I'll cover**, taken by the
first person who presses (a compare-and-set on its row), which makes the override."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.config import Settings
from bot.errors import Conflict, InvalidInput, NotFound
from bot.oncall.cover import Cover, Covers
from bot.slack.oncall_blocks import cover_request_blocks, cover_text, text_blocks
from bot.store.database import Database, changed
from bot.store.schema import CoverRequest, Handoff
from bot.tokens import client_token

log = logging.getLogger(__name__)


class CoverRequests:
    def __init__(
        self, database: Database, slack: AsyncWebClient, settings: Settings, covers: Covers
    ) -> None:
        self.database = database
        self.slack = slack
        self.settings = settings
        self.covers = covers

    async def ask(self, handoff_key: str, requester: str) -> str:
        """Post the request for the hand-off's shift in the on-call channel; what to tell."""
        channel = self.settings.oncall_channel
        if not channel:
            raise InvalidInput(
                "No on-call channel is set (`ONCALL_CHANNEL`) to ask in. Ask someone directly, "
                "and they can run `/incident cover <schedule> <from> <to>`."
            )
        rotation_id, start, contact_arn = handoff_key.rsplit("|", 2)
        async with self.database.session() as session:
            handoff = await session.get(Handoff, (rotation_id, float(start), contact_arn))
        if handoff is None:
            raise NotFound("That shift is no longer known: use `/incident cover` instead.")
        request = CoverRequest(
            id=client_token("cover-request", handoff_key),
            schedule_arn=handoff.schedule_arn,
            requester=requester,
            shift_start=handoff.shift_start,
            shift_end=handoff.shift_end,
        )
        try:
            async with self.database.write() as session:
                session.add(request)
        except IntegrityError:
            return f"You already asked for cover in <#{channel}>."
        schedule = await self.covers.on_call.contacts.contact(handoff.schedule_arn)
        start_at, end_at = self._window(request)
        answer = await self.slack.chat_postMessage(
            channel=channel,
            text=f"<@{requester}> asks for cover on {schedule.alias}",
            blocks=cover_request_blocks(schedule, requester, start_at, end_at, request.id),
        )
        await self._set(request.id, channel_id=answer["channel"], ts=answer["ts"])
        return f"Asked for cover in <#{channel}>: you will be told when someone takes it."

    @staticmethod
    def _window(request: CoverRequest) -> tuple[datetime, datetime]:
        return (
            datetime.fromtimestamp(request.shift_start, UTC),
            datetime.fromtimestamp(request.shift_end, UTC),
        )

    async def _set(self, request_id: str, **values: object) -> None:
        async with self.database.write() as session:
            await session.execute(
                update(CoverRequest).where(CoverRequest.id == request_id).values(**values)
            )

    async def take(self, request_id: str, user: str) -> Cover:
        """The first presser takes the request and covers the shift; others are told who did."""
        async with self.database.session() as session:
            request = await session.get(CoverRequest, request_id)
        if request is None:
            raise NotFound("That cover request is gone.")
        if request.requester == user:
            raise InvalidInput("That is your own request: someone else has to cover it.")
        async with self.database.write() as session:
            won = await changed(
                session,
                update(CoverRequest)
                .where(CoverRequest.id == request_id, CoverRequest.taken_by.is_(None))
                .values(taken_by=user),
            )
        if not won:
            async with self.database.session() as session:
                taken_by = await session.scalar(
                    select(CoverRequest.taken_by).where(CoverRequest.id == request_id)
                )
            raise Conflict(f"<@{taken_by}> already took this cover: nothing was changed.")
        start, end = self._window(request)
        try:
            done = await self.covers.cover(
                request.schedule_arn, user, start, end, user, client_token("cover", request_id)
            )
        except Exception:
            await self._set(request_id, taken_by=None)  # free for the next presser
            raise
        said = cover_text(done)
        if request.channel_id and request.ts:
            await self.slack.chat_update(
                channel=request.channel_id, ts=request.ts, text=said, blocks=text_blocks(said)
            )
        await self.covers.confirm(done, said)
        log.info("cover request %s taken by %s", request_id, user)
        return done
