"""``/incident me``'s buttons: **Edit** opens the engagement plan form, **Activate** sends the
channel's code (SendActivationCode) and opens the form that takes it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.slack.ids import MeAction
from bot.slack.personal_blocks import CODE_TITLE, PLAN_TITLE, code_modal, plan_modal
from bot.slack.views import open_modal
from handlers.replies import pressed_by

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.services import Services


def register(app: AsyncApp, services: Services) -> None:

    @app.action(MeAction.EDIT)
    async def edit_pressed(ack: Any, body: dict, client: Any) -> None:
        await ack()
        user, origin = pressed_by(body)
        origin = origin or ""

        async def build() -> dict:
            return plan_modal(await services.personal_plans.mine(user), origin)

        await open_modal(client, body["trigger_id"], PLAN_TITLE, build)

    @app.action(MeAction.ACTIVATE)
    async def activate_pressed(ack: Any, body: dict, action: dict, client: Any) -> None:
        await ack()
        user, origin = pressed_by(body)
        origin = origin or ""

        async def build() -> dict:
            return code_modal(
                await services.personal_plans.send_code(user, action["value"]), origin
            )

        await open_modal(client, body["trigger_id"], CODE_TITLE, build)
