"""On call said in Slack: a hand-off's DM (with **Cover for me**) and its line in
``ONCALL_CHANNEL``, covers confirmed to both sides, a cover request's message posted, then
answered or expired, an override's removal told. A refusal by Slack is logged: the override,
the hand-off and the request stand as the domain made them."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.oncall import (
    cover_expired_text,
    cover_request_blocks,
    cover_request_metadata,
    cover_text,
    handoff_blocks,
    handoff_line,
    handoff_metadata,
    handoff_text,
    text_blocks,
)
from bot.config import Settings
from bot.events import Bus
from bot.oncall.events import (
    Cover,
    CoverMade,
    CoverRequestExpired,
    CoverTaken,
    OverrideRemoved,
    ShiftHandedOff,
)
from bot.oncall.ports import CoverAsk, Posted
from bot.oncall.times import slack_date
from bot.slack.messages import posted
from bot.slack.refusals import refusals

log = logging.getLogger(__name__)


class OncallPresenter:
    def __init__(self, slack: AsyncWebClient, settings: Settings) -> None:
        self.slack = slack
        self.settings = settings

    def subscribe(self, bus: Bus) -> None:
        bus.subscribe(ShiftHandedOff, self.handed_off)
        bus.subscribe(CoverMade, self.cover_made)
        bus.subscribe(CoverTaken, self.cover_taken)
        bus.subscribe(CoverRequestExpired, self.request_expired)
        bus.subscribe(OverrideRemoved, self.override_removed)

    async def handed_off(self, event: ShiftHandedOff) -> None:
        """The person's DM, unless sent just before a crash (found by its metadata); then the
        on-call channel's line."""
        schedule, start, end = event.schedule, event.start, event.end
        if event.user is not None:
            text = handoff_text(schedule, start, end, event.open_incidents)
            blocks = handoff_blocks(schedule, start, end, event.open_incidents, event.key)
            await self._handoff_dm(event.user, event.key, text, blocks)
        if channel := self.settings.oncall_channel:
            line = handoff_line(schedule, event.contact_arn, event.user, start, end)
            try:
                await self.slack.chat_postMessage(channel=channel, text=line)
            except SlackApiError as exc:
                log.error("could not post the hand-off in %s: %s", channel, exc)

    async def _handoff_dm(
        self, user: str, key: str, text: str, blocks: list[dict[str, Any]]
    ) -> None:
        metadata = handoff_metadata(key)
        try:
            channel = (await self.slack.conversations_open(users=user))["channel"]["id"]
            if await posted(self.slack, channel, metadata):  # sent before a crash
                return
            await self.slack.chat_postMessage(
                channel=channel, text=text, blocks=blocks, metadata=metadata
            )
        except SlackApiError as exc:
            log.error("could not DM the hand-off to %s: %s", user, exc)

    async def cover_made(self, event: CoverMade) -> None:
        """Both sides told, but the person who typed the command (answered already)."""
        await self._confirm(event.cover, told=event.by)

    async def cover_taken(self, event: CoverTaken) -> None:
        """The request's message says who took it (its button gone); both sides told."""
        await self._show(event.request_id, event.message, cover_text(event.cover))
        await self._confirm(event.cover, told=None)

    async def request_expired(self, event: CoverRequestExpired) -> None:
        text = cover_expired_text(event.schedule_alias, event.requester, event.start, event.end)
        await self._show(event.request_id, event.message, text)

    async def override_removed(self, event: OverrideRemoved) -> None:
        override, by = event.override, event.by
        when = f"from {slack_date(override.start)} to {slack_date(override.end)}"
        await self._tell(event.own, f":wastebasket: <@{by}> removed your cover {when}.", by)
        back = f":wastebasket: <@{by}> removed the cover {when}: you are on call again then."
        await self._tell(event.displaced, back, by)

    async def _confirm(self, cover: Cover, told: str | None) -> None:
        await self._tell((cover.covering, *cover.covered), cover_text(cover), told)

    async def _tell(self, users: Sequence[str], text: str, told: str | None) -> None:
        """A DM to each of ``users`` but ``told``; one Slack refuses is logged."""
        for user in dict.fromkeys(users):
            if user == told:
                continue
            try:
                await self.slack.chat_postMessage(channel=user, text=text)
            except SlackApiError as exc:
                log.error("could not tell %s about a cover: %s", user, exc.response.get("error"))

    async def _show(self, request_id: str, message: Posted | None, text: str) -> None:
        """A request's message answered (its button gone); a refusal is logged."""
        if message is None:
            return
        try:
            await self.slack.chat_update(
                channel=message.channel, ts=message.ts, text=text, blocks=text_blocks(text)
            )
        except SlackApiError as exc:
            log.error("could not update cover request %s: %s", request_id, exc)


class SlackCoverRequests:
    """``bot.oncall.ports.CoverRequestMessages``: a request's message in the on-call channel."""

    def __init__(self, slack: AsyncWebClient) -> None:
        self.slack = slack

    async def post(self, channel: str, ask: CoverAsk) -> Posted:
        metadata = cover_request_metadata(ask.request_id)
        with refusals():
            ts = await posted(self.slack, channel, metadata)
            if ts is not None:  # a poster cut short sent it
                return Posted(channel, ts)
            answer = await self.slack.chat_postMessage(
                channel=channel,
                text=f"<@{ask.requester}> asks for cover on {ask.schedule.alias}",
                blocks=cover_request_blocks(
                    ask.schedule, ask.requester, ask.start, ask.end, ask.request_id
                ),
                metadata=metadata,
            )
        return Posted(answer["channel"], answer["ts"])
