"""The page message's buttons: Acknowledge, Escalate now, Page again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.errors import DomainError
from bot.slack.ids import PagingAction
from bot.slack.notify import tell, warn

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.services import Services


def _where(body: dict) -> tuple[str, str | None]:
    return body["user"]["id"], (body.get("channel") or {}).get("id")


def register(app: AsyncApp, services: Services) -> None:
    @app.action(PagingAction.ACKNOWLEDGE)
    async def acknowledge(ack: Any, body: dict, action: dict) -> None:
        await ack()
        user, channel = _where(body)
        try:
            said = await services.escalations.acknowledge(action["value"], user)
        except DomainError as error:
            await warn(services.slack, user, channel, error.message)
            return
        if said != "Acknowledged.":
            await tell(services.slack, user, channel, said)
        if (body.get("view") or {}).get("type") == "home":  # pressed on the Home tab
            await services.home.publish(user)

    @app.action(PagingAction.ESCALATE_NOW)
    async def escalate_now(ack: Any, body: dict, action: dict) -> None:
        await ack()
        user, channel = _where(body)
        try:
            moved = await services.escalations.escalate_now(action["value"])
        except DomainError as error:
            await warn(services.slack, user, channel, error.message)
            return
        await tell(
            services.slack,
            user,
            channel,
            "Escalated to the next stage." if moved else "The next stage already began.",
        )

    @app.action(PagingAction.PAGE_AGAIN)
    async def page_again(ack: Any, body: dict, action: dict) -> None:
        await ack()
        user, channel = _where(body)
        try:
            await services.escalations.page_again(action["value"], user)
        except DomainError as error:
            await warn(services.slack, user, channel, error.message)
