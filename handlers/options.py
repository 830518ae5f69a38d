"""Options for external selects: the edit form's "add a target" menu, searched by alias."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.blocks.ids import PlanAction
from bot.blocks.plan_form import option_for
from bot.errors import DomainError

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.services import Services

MENU_SIZE = 100  # the most options a select menu shows


def register(app: AsyncApp, services: Services) -> None:
    @app.options(PlanAction.ADD_TARGET)
    async def targets(ack: Any, body: dict) -> None:
        """Every contact the alias typed starts, but the plan itself (nothing for a form that
        is not one the bot opened for this person)."""
        try:
            kept = await services.forms.kept(body.get("view"), body["user"]["id"])
            found = await services.plans.search(body.get("value") or "", MENU_SIZE + 1)
        except DomainError:
            await ack(options=[])
            return
        own = kept.data.get("arn")
        await ack(options=[option_for(c) for c in found if c.arn != own][:MENU_SIZE])
