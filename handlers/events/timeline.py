"""Reactions that add a message to the timeline; edits and deletes that follow it there."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.recording import record_message
from bot.slack.messages import find_message, is_tombstone, slack_message
from bot.slack.notify import warn
from handlers.replies import reply

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.services import Services

log = logging.getLogger(__name__)

MESSAGE_NOT_FOUND = (
    "I could not read the message you reacted to, so it is not on the timeline. "
    "Use the message's ⋮ menu → *Add to incident timeline* instead."
)


def register(app: AsyncApp, services: Services) -> None:
    reaction = services.settings.timeline_reaction

    @app.event("reaction_added")
    async def reacted(event: dict) -> None:
        item = event.get("item", {})
        if event.get("reaction") != reaction or item.get("type") != "message":
            return
        channel, user = item["channel"], event["user"]
        if await services.incidents.for_channel(channel) is None:
            return  # a pushpin outside incident channels means nothing to us
        message = await find_message(services.slack, channel, item["ts"])
        if message is None:
            await warn(services.slack, user, channel, MESSAGE_NOT_FOUND)
            return
        recorded = record_message(
            services.incidents,
            services.timeline,
            channel,
            lambda: slack_message(services.slack, channel, message),
            services.permissions,
            user,
        )
        await reply(services.slack, user, channel, recorded)

    @app.event({"type": "message", "subtype": "message_changed"})
    async def edited(event: dict) -> None:
        message = event.get("message", {})
        if not (
            message.get("ts") and await services.timeline.tracked(event["channel"], message["ts"])
        ):
            return
        if is_tombstone(message):
            await services.timeline.message_deleted(event["channel"], message["ts"])
        else:
            await services.timeline.message_edited(
                await slack_message(services.slack, event["channel"], message)
            )

    @app.event({"type": "message", "subtype": "message_deleted"})
    async def deleted(event: dict) -> None:
        if event.get("deleted_ts"):
            await services.timeline.message_deleted(event["channel"], event["deleted_ts"])

    @app.event("message")
    async def other_messages() -> None:
        """Plain messages need nothing from us; answering keeps Slack from retrying them."""
