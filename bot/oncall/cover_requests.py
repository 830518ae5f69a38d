"""**Cover for me**: a request in ``ONCALL_CHANNEL`` for the hand-off's own shift, asked only by
the hand-off's own person, with **I'll cover**; the first to press takes it (a compare-and-set
on its row) and covers the requester on their rotation.

The row is claimed while the request is posted (posting → open): a post Slack refuses, or any
failure before it, removes the row again, so nothing is left behind; one cut short by a crash
is finished by the next press (its message looked for first). A request expires when its shift
is over: its message says so, and so does its button."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import delete, select, update

from bot.config import Settings
from bot.contacts import Contact, alias_of
from bot.errors import Conflict, DomainError, InvalidInput, NotFound, Refused, SlackRefused
from bot.events import Bus
from bot.oncall.cover import Covers
from bot.oncall.events import Cover, CoverRequestExpired, CoverTaken
from bot.oncall.handoffs import handoff_key
from bot.oncall.ports import CoverAsk, CoverRequestMessages, Posted
from bot.store.database import Database
from bot.store.schema import CoverRequest, Handoff
from bot.tokens import client_token

log = logging.getLogger(__name__)

POSTING, OPEN, TAKEN, EXPIRED = "posting", "open", "taken", "expired"
STALE_CLAIM_SECONDS = 30.0  # a request still posting after this was cut short by a crash
KEPT_SECONDS = 86400.0  # how long after its shift a request is remembered (its button answered)


def _at(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def _message(request: CoverRequest) -> Posted | None:
    """Where the request's message is, once it was posted."""
    return Posted(request.channel_id, request.ts) if request.channel_id and request.ts else None


class CoverRequests:
    def __init__(
        self,
        database: Database,
        settings: Settings,
        covers: Covers,
        messages: CoverRequestMessages,
        bus: Bus,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.database = database
        self.settings = settings
        self.covers = covers
        self.messages = messages
        self.bus = bus
        self.clock = clock  # what time it is (tests move it past a shift)

    async def ask(self, key: str, presser: str) -> str:
        """Post the request for the hand-off's shift in the on-call channel; what to tell. The
        shift, its rotation and its person come from the hand-off row, never from the button."""
        channel = self.settings.oncall_channel
        if not channel:
            raise InvalidInput(
                "No on-call channel is set (`ONCALL_CHANNEL`) to ask in. Ask someone directly, "
                "and they can run `/incident cover <schedule> <from> <to>`."
            )
        handoff = await self._handoff(key)
        contact_arn = handoff.contact_arn
        if await self.covers.people.slack_user_for(contact_arn, alias_of(contact_arn)) != presser:
            raise Refused("Only the person on call for that shift can ask for cover on it.")
        now = self.clock()
        start, end = max(_at(handoff.shift_start), now), _at(handoff.shift_end)
        if end <= now:
            raise Conflict("That shift is over: there is nothing left to cover.")
        request_id = client_token("cover-request", handoff_key(handoff))
        asked = await self._get(request_id)
        if asked is not None and asked.state != POSTING:
            return await self._already(request_id, channel)
        schedule = await self.covers.contacts.contact(handoff.schedule_arn)
        if not await self.covers.holds(handoff.rotation_id, contact_arn, start, end):
            raise Conflict(
                "You are no longer on call for all of that shift (someone covers it already). "
                f"`/incident overrides {schedule.alias}` shows its covers."
            )
        request = CoverRequest(
            id=request_id,
            schedule_arn=handoff.schedule_arn,
            rotation_id=handoff.rotation_id,
            contact_arn=contact_arn,
            requester=presser,
            shift_start=handoff.shift_start,
            shift_end=handoff.shift_end,
            state=POSTING,
            claimed_at=time.time(),
        )
        if not await self._claim(request):
            return await self._already(request.id, channel)
        try:
            await self._post(request, schedule, channel)
        except SlackRefused as refused:
            await self._drop(request.id)
            raise DomainError(
                f"Slack refused the request in <#{channel}> (`{refused.code}`). "
                f"Check that the bot is in <#{channel}>, then press **Cover for me** again."
            ) from None
        except BaseException:
            await self._drop(request.id)
            raise
        return f"Asked for cover in <#{channel}>: you will be told when someone takes it."

    async def _handoff(self, key: str) -> Handoff:
        try:
            rotation_id, start, contact_arn = key.rsplit("|", 2)
            primary_key = (rotation_id, float(start), contact_arn)
        except ValueError:
            raise InvalidInput("That button was not made by incident-bot.") from None
        async with self.database.session() as session:
            handoff = await session.get(Handoff, primary_key)
        if handoff is None:
            raise NotFound("That shift is no longer known: use `/incident cover` instead.")
        return handoff

    async def _claim(self, request: CoverRequest) -> bool:
        """Write the request as being posted; or take over one whose poster died. False when
        it is there already, posted or being posted."""
        now = time.time()
        return await self.database.insert_or_take_over(
            request,
            update(CoverRequest)
            .where(
                CoverRequest.id == request.id,
                CoverRequest.state == POSTING,
                CoverRequest.claimed_at < now - STALE_CLAIM_SECONDS,
            )
            .values(claimed_at=now),
        )

    async def _already(self, request_id: str, channel: str) -> str:
        request = await self._get(request_id)
        if request is None or request.state == POSTING:
            return f"Your request for cover is being posted in <#{channel}>."
        if request.state == TAKEN:
            return f"<@{request.taken_by}> already covers that shift."
        if request.state == EXPIRED:
            return "That shift is over: there is nothing left to cover."
        return f"You already asked for cover in <#{channel}>: you will be told when someone does."

    async def _post(self, request: CoverRequest, schedule: Contact, channel: str) -> None:
        """The request's message (unless a poster cut short already sent it), then the row
        open."""
        start = max(_at(request.shift_start), self.clock())
        ask = CoverAsk(request.id, schedule, request.requester, start, _at(request.shift_end))
        message = await self.messages.post(channel, ask)
        await self._set(request.id, POSTING, state=OPEN, channel_id=message.channel, ts=message.ts)

    async def _drop(self, request_id: str) -> None:
        async with self.database.write() as session:
            await session.execute(
                delete(CoverRequest).where(
                    CoverRequest.id == request_id, CoverRequest.state == POSTING
                )
            )

    async def _get(self, request_id: str) -> CoverRequest | None:
        async with self.database.session() as session:
            return await session.get(CoverRequest, request_id)

    async def _set(self, request_id: str, was: str, **values: object) -> bool:
        """Compare-and-set: the request's ``values``, if it is in state ``was``."""
        return await self.database.compare_and_set(
            update(CoverRequest)
            .where(CoverRequest.id == request_id, CoverRequest.state == was)
            .values(**values)
        )

    async def take(self, request_id: str, user: str) -> Cover:
        """The first presser takes the request and covers the requester's shift (what is left
        of it) on their rotation; later pressers are told who did, or that it expired."""
        request = await self._get(request_id)
        if request is None or request.state == POSTING:
            raise NotFound("That cover request is gone: nothing was changed.")
        if request.requester == user:
            raise InvalidInput("That is your own request: someone else has to cover it.")
        now = self.clock()
        if request.state == OPEN and _at(request.shift_end) <= now:
            await self._expire(request)
        if not await self._set(request_id, OPEN, state=TAKEN, taken_by=user):
            request = await self._get(request_id) or request
            if request.state == TAKEN:
                raise Conflict(
                    f"<@{request.taken_by}> already took this cover: nothing was changed."
                )
            raise Conflict("This request expired: the shift is over. Nothing was changed.")
        try:
            done = await self.covers.take_shift(
                request.schedule_arn,
                request.rotation_id,
                request.contact_arn,
                user,
                max(_at(request.shift_start), now),
                _at(request.shift_end),
                client_token("cover", request_id, user),
            )
        except BaseException:
            await self._set(request_id, TAKEN, state=OPEN, taken_by=None)  # free for the next
            raise
        await self.bus.publish(CoverTaken(request_id, done, _message(request)))
        log.info("cover request %s taken by %s", request_id, user)
        return done

    async def expire_due(self) -> None:
        """The requests whose shift is over, expired (their message says so); those over for
        a day, forgotten. Run by the leader every ``HANDOFF_CHECK_SECONDS``."""
        now = self.clock().timestamp()
        async with self.database.session() as session:
            due = (
                await session.scalars(
                    select(CoverRequest).where(
                        CoverRequest.state == OPEN, CoverRequest.shift_end <= now
                    )
                )
            ).all()
        for request in due:
            await self._expire(request)
        async with self.database.write() as session:
            await session.execute(
                delete(CoverRequest).where(CoverRequest.shift_end < now - KEPT_SECONDS)
            )

    async def _expire(self, request: CoverRequest) -> None:
        if await self._set(request.id, OPEN, state=EXPIRED):
            start, end = _at(request.shift_start), _at(request.shift_end)
            alias = alias_of(request.schedule_arn)
            await self.bus.publish(
                CoverRequestExpired(
                    request.id, _message(request), alias, request.requester, start, end
                )
            )
            log.info("cover request %s expired", request.id)
