"""The incident card's buttons: Update, Resolve, Reopen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.incidents.record import OPEN, RESOLVED
from bot.permissions import Right
from bot.slack.blocks import escape
from bot.slack.ids import Action
from bot.slack.views import open_update_form
from bot.tokens import client_token
from handlers.audit import audit
from handlers.replies import pressed_by, reply

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.services import Services


def register(app: AsyncApp, services: Services) -> None:
    @app.action(Action.UPDATE)
    async def update_pressed(ack: Any, body: dict, action: dict) -> None:
        await ack()
        user, channel = pressed_by(body)

        async def form_opened() -> None:
            await services.permissions.require(user, Right.CHANGE, action["value"], "update")
            await open_update_form(
                services.slack, body["trigger_id"], services.incidents, action["value"]
            )

        await reply(services.slack, user, channel, form_opened())

    async def set_status(body: dict, action: dict, status: str) -> None:
        user, channel = body["user"]["id"], body["channel"]["id"]

        async def updated() -> None:
            verb = "resolve" if status == RESOLVED else "reopen"
            await services.permissions.require(user, Right.CHANGE, action["value"], verb)
            incident = await services.incidents.set_status(
                action["value"], status, user, client_token("card", action["action_ts"], status)
            )
            verb = "resolved" if status == RESOLVED else "reopened"
            await audit(services, user, incident.arn, verb.title(), action["action_ts"])
            await services.slack.chat_postMessage(
                channel=channel, text=f"<@{user}> {verb} *{escape(incident.title)}*."
            )
            if status == RESOLVED:
                await services.exports.offer(incident.arn)

        await reply(services.slack, user, channel, updated())

    @app.action(Action.RESOLVE)
    async def resolve_pressed(ack: Any, body: dict, action: dict) -> None:
        await ack()
        await set_status(body, action, RESOLVED)

    @app.action(Action.REOPEN)
    async def reopen_pressed(ack: Any, body: dict, action: dict) -> None:
        await ack()
        await set_status(body, action, OPEN)
