"""The **Declare incident** message shortcut: the declare modal, prefilled from a message."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.blocks.ids import Callback
from bot.incidents.record import SUMMARY_LIMIT, TITLE_LIMIT
from bot.mrkdwn import truncate
from bot.permissions import Right
from bot.slack.messages import message_content
from bot.slack.notify import warn
from handlers.forms import open_declare_form

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.services import Services


def register(app: AsyncApp, services: Services) -> None:
    @app.shortcut(Callback.DECLARE_SHORTCUT)
    async def declare_from_message(ack: Any, shortcut: dict, client: Any) -> None:
        await ack()
        channel = shortcut["channel"]["id"]
        message = shortcut["message"]
        user = shortcut["user"]["id"]
        decision = await services.permissions.decide(user, Right.MEMBER, None, "declare incidents")
        if not decision.allowed:
            await warn(services.slack, user, channel, decision.refusal)
            return
        link = await client.chat_getPermalink(channel=channel, message_ts=message["ts"])
        content = await message_content(services.slack, message)
        source = f"\n\nFrom Slack: {link['permalink']}"  # kept whole, however long the message
        summary = truncate(content.text, SUMMARY_LIMIT - len(source)) + source
        await open_declare_form(
            services.forms,
            shortcut["trigger_id"],
            user,
            services.incidents,
            services.settings.default_response_plan,
            truncate(content.headline, TITLE_LIMIT),
            summary,
            channel,
        )
