"""The **Add to incident timeline** message shortcut."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.blocks.ids import Callback
from bot.recording import record_message
from bot.slack.messages import slack_message
from handlers.replies import reply

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.services import Services


def register(app: AsyncApp, services: Services) -> None:
    @app.shortcut(Callback.TIMELINE_SHORTCUT)
    async def add_to_timeline(ack: Any, shortcut: dict) -> None:
        await ack()
        user, channel = shortcut["user"]["id"], shortcut["channel"]["id"]
        recorded = record_message(
            services.incidents,
            services.timeline,
            channel,
            lambda: slack_message(services.slack, channel, shortcut["message"]),
            services.permissions,
            user,
        )
        await reply(services.slack, user, channel, recorded)
