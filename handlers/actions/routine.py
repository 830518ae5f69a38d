"""A responder's routine, by button: **Post status update** (card, reminder), the export and
**Archive channel** offered when an incident is resolved."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.permissions import Right
from bot.slack.ids import Action
from handlers.audit import audit
from handlers.replies import pressed_by, reply
from handlers.views.status_update import open_status_update_form

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.services import Services


def register(app: AsyncApp, services: Services) -> None:
    @app.action(Action.POST_UPDATE)
    async def post_update_pressed(ack: Any, body: dict, action: dict) -> None:
        await ack()
        user, channel = pressed_by(body)

        async def form_opened() -> None:
            await services.permissions.require(user, Right.CHANGE, action["value"], "post updates")
            await open_status_update_form(services, body["trigger_id"], action["value"])

        await reply(services.slack, user, channel, form_opened())

    @app.action(Action.EXPORT)
    async def export_pressed(ack: Any, body: dict, action: dict) -> None:
        await ack()
        user, channel = pressed_by(body)

        async def exported() -> str:
            await services.permissions.require(user, Right.CHANGE, action["value"], "export")
            where = await services.exports.export(action["value"])
            return f"Exported the incident as {where}."

        await reply(services.slack, user, channel, exported(), failed="Nothing was exported: ")

    @app.action(Action.ARCHIVE)
    async def archive_pressed(ack: Any, body: dict, action: dict) -> None:
        await ack()
        user, channel = pressed_by(body)
        arn = action["value"]

        async def archived() -> str:
            await services.permissions.require(user, Right.CHANGE, arn, "archive the channel")
            incident_channel, now = await services.exports.archive_channel(arn)
            if not now:
                return f"<#{incident_channel}> is already archived."
            await audit(services, user, arn, "Channel archived", action["action_ts"])
            return f"Archived <#{incident_channel}>."

        await reply(services.slack, user, channel, archived(), failed="Not archived: ")
