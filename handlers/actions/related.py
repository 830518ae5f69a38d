"""The unlink picker's selection."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.errors import DomainError
from bot.permissions import Right
from bot.slack.blocks import escape
from bot.slack.ids import Action
from bot.slack.related_blocks import item_key
from handlers.audit import audit
from handlers.replies import pressed_by, reply

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.services import Services


def register(app: AsyncApp, services: Services) -> None:
    @app.action(Action.UNLINK)
    async def unlink_chosen(ack: Any, body: dict, action: dict, respond: Any) -> None:
        await ack()
        user, channel = pressed_by(body)
        channel = channel or ""
        chosen = (action.get("selected_option") or {}).get("value")
        if not chosen:
            return  # deselected: nothing to remove

        async def unlinked() -> None:
            incident = await services.incidents.target(channel, None)
            await services.permissions.require(user, Right.CHANGE, incident.arn, "unlink")
            items = await services.related_items.list(incident.arn)
            item = next((i for i in items if item_key(i) == chosen), None)
            if item is None:
                raise DomainError("That item is no longer linked; `/incident links` shows what is.")
            await services.related_items.remove(incident.arn, item.value, action["action_ts"])
            await audit(services, user, incident.arn, "Related item removed", action["action_ts"])
            await services.incidents.refresh_card(incident.arn)
            await respond(
                text=f"Removed {escape(item.value)} from *{escape(incident.title)}*.",
                replace_original=True,
                response_type="ephemeral",
            )

        await reply(services.slack, user, channel, unlinked())
