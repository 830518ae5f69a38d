"""The page message's buttons: Acknowledge, Escalate now, Page again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.escalation import rows
from bot.permissions import Right
from bot.slack.ids import PagingAction
from bot.vocabulary import Acknowledgement
from handlers.audit import audit
from handlers.commands.paging import stage_said
from handlers.replies import pressed_by, reply

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.services import Services


def register(app: AsyncApp, services: Services) -> None:
    async def _require(user: str, escalation_id: str, what: str) -> str:
        """The escalation's incident, once the user is allowed to ``what`` on it."""
        escalation = await rows.escalation(services.database, escalation_id)
        await services.permissions.require(user, Right.CHANGE, escalation.incident_arn, what)
        return escalation.incident_arn

    @app.action(PagingAction.ACKNOWLEDGE)
    async def acknowledge(ack: Any, body: dict, action: dict) -> None:
        await ack()
        user, channel = pressed_by(body)

        async def acknowledged() -> str | None:
            outcome = await services.acknowledgements.acknowledge(action["value"], user)
            if (body.get("view") or {}).get("type") == "home":  # pressed on the Home tab
                await services.home.publish(user)
            if outcome is Acknowledgement.ALREADY:
                return "This page was already acknowledged."
            return None

        await reply(services.slack, user, channel, acknowledged())

    @app.action(PagingAction.ESCALATE_NOW)
    async def escalate_now(ack: Any, body: dict, action: dict) -> None:
        await ack()
        user, channel = pressed_by(body)

        async def escalated() -> str:
            arn = await _require(user, action["value"], "escalate")
            moved = await services.escalations.escalate_now(action["value"])
            if moved:
                await audit(services, user, arn, "Escalated to the next stage", action["action_ts"])
            return "Escalated to the next stage." if moved else "The next stage already began."

        await reply(services.slack, user, channel, escalated())

    @app.action(PagingAction.PAGE_AGAIN)
    async def page_again(ack: Any, body: dict, action: dict) -> None:
        await ack()
        user, channel = pressed_by(body)

        async def paged_again() -> str | None:
            arn = await _require(user, action["value"], "page again")
            started = await services.escalations.page_again(action["value"], user)
            await audit(services, user, arn, "Paged again", action["action_ts"])
            return stage_said(started).strip() or None

        await reply(services.slack, user, channel, paged_again())
