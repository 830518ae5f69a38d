"""A declaration's Slack steps, as the incidents domain asks them (``Rooms``, ``Posts``): the
channel, the invitation, the card and its pin, the announcement. The card and the announcement
carry message metadata naming the incident, so a step repeated after a crash finds its message;
Slack's refusals are raised as ``SlackRefused``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.card import card_message
from bot.blocks.declared import announcement_text
from bot.errors import InvalidInput
from bot.incidents.record import Announcement, IncidentCard, RelatedItem
from bot.slack.channels import channel_name, create_channel, made_before
from bot.slack.messages import posted
from bot.slack.refusals import refusals

CARD_EVENT, ANNOUNCEMENT_EVENT = "incident_bot_card", "incident_bot_announcement"


def metadata(event: str, arn: str) -> dict[str, Any]:
    """Message metadata naming the incident, so a repeated step finds its message."""
    return {"event_type": event, "event_payload": {"incident_arn": arn}}


class SlackRooms:
    """``bot.incidents.ports.Rooms`` on Slack."""

    def __init__(self, slack: AsyncWebClient) -> None:
        self.slack = slack

    async def create(self, day: date, title: str) -> str:
        with refusals():
            channel_id, _name = await create_channel(self.slack, channel_name(day, title))
        return channel_id

    async def made_before(
        self, day: date, title: str, taken: Callable[[str], Awaitable[bool]]
    ) -> str | None:
        with refusals():
            made = await made_before(self.slack, channel_name(day, title), taken)
        return made[0] if made else None

    async def invite(self, channel_id: str, user_id: str) -> None:
        with refusals():
            await self.slack.conversations_invite(channel=channel_id, users=user_id)

    async def link(self, channel_id: str) -> RelatedItem:
        with refusals():
            name = (await self.slack.conversations_info(channel=channel_id))["channel"]["name"]
        url = f"https://slack.com/app_redirect?channel={channel_id}"
        return RelatedItem("OTHER", "url", url, f"Slack channel #{name}")

    async def archive(self, channel_id: str) -> bool:
        try:
            await self.slack.conversations_archive(channel=channel_id)
        except SlackApiError as exc:
            error = exc.response.get("error")
            if error == "already_archived":
                return False
            raise InvalidInput(
                f"Slack refused to archive the channel ({error}): archive it from the "
                "channel's settings."
            ) from None
        return True


class SlackPosts:
    """``bot.incidents.ports.Posts`` on Slack."""

    def __init__(self, slack: AsyncWebClient) -> None:
        self.slack = slack

    async def card_posted(self, channel_id: str, arn: str) -> str | None:
        with refusals():
            return await posted(self.slack, channel_id, metadata(CARD_EVENT, arn))

    async def post_card(self, channel_id: str, card: IncidentCard) -> str:
        text, blocks = card_message(card)
        with refusals():
            answer = await self.slack.chat_postMessage(
                channel=channel_id,
                text=text,
                blocks=blocks,
                metadata=metadata(CARD_EVENT, card.incident.arn),
            )
        return str(answer["ts"])

    async def pin(self, channel_id: str, ts: str) -> None:
        with refusals():
            await self.slack.pins_add(channel=channel_id, timestamp=ts)

    async def announced(self, channel_id: str, arn: str) -> bool:
        with refusals():
            return (
                await posted(self.slack, channel_id, metadata(ANNOUNCEMENT_EVENT, arn)) is not None
            )

    async def announce(self, channel_id: str, arn: str, announcement: Announcement) -> None:
        with refusals():
            await self.slack.chat_postMessage(
                channel=channel_id,
                text=announcement_text(announcement),
                metadata=metadata(ANNOUNCEMENT_EVENT, arn),
            )
