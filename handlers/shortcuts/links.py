"""The **Add links to incident** message shortcut: every URL in a message, as related items."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.blocks.ids import Callback
from bot.errors import DomainError
from bot.mrkdwn import escape
from bot.permissions import Right
from bot.related_items import parse_reference
from bot.slack.messages import message_content
from handlers.audit import audit
from handlers.replies import reply

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.services import Services


def register(app: AsyncApp, services: Services) -> None:
    @app.shortcut(Callback.LINKS_SHORTCUT)
    async def add_links(ack: Any, shortcut: dict) -> None:
        await ack()
        user, channel = shortcut["user"]["id"], shortcut["channel"]["id"]
        message = shortcut["message"]

        async def linked() -> str:
            incident = await services.incidents.target(channel, None)
            await services.permissions.require(user, Right.CHANGE, incident.arn, "add links")
            urls = (await message_content(services.slack, message)).links
            if not urls:
                raise DomainError("That message has no links (http:// or https://) to add.")
            items = [parse_reference(url) for url in urls]
            added = await services.related_items.add_new(
                incident.arn, items, channel, message["ts"]
            )
            await services.incidents.refresh_card(incident.arn)
            if added:
                await audit(services, user, incident.arn, "Links added", message["ts"])
            already = len(items) - len(added)
            note = f" ({already} already linked)" if already else ""
            return f":link: Added {len(added)} link(s) to *{escape(incident.title)}*{note}."

        await reply(services.slack, user, channel, linked())
