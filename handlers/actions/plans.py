"""The escalation plan's **Edit** button, and the edit form's buttons, menus and selects (each
re-renders the form with ``views.update``; nothing reaches AWS before Save)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_sdk.errors import SlackApiError

from bot.slack.ids import PlanAction
from bot.slack.plan_modal import (
    changed,
    chosen_target,
    open_plan_form,
    plan_modal,
    read_form,
    stage_of,
    with_target,
)

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.services import Services

log = logging.getLogger(__name__)


def register(app: AsyncApp, services: Services) -> None:

    @app.action(PlanAction.EDIT)
    async def edit_pressed(ack: Any, body: dict, action: dict, client: Any) -> None:
        await ack()
        channel = (body.get("channel") or {}).get("id") or ""
        await open_plan_form(
            client, services.plans, body["trigger_id"], body["user"]["id"], action["value"], channel
        )

    async def rerender(body: dict, form: Any, client: Any) -> None:
        targets = [t.contact_arn for s in form.stages for t in s.targets if t.contact_arn]
        view = plan_modal(form, await services.plans.members(targets))
        try:
            await client.views_update(
                view_id=body["view"]["id"], hash=body["view"]["hash"], view=view
            )
        except SlackApiError as exc:  # a newer render won, or the form was closed
            log.info("plan form not re-rendered: %s", exc.response.get("error"))

    @app.action(PlanAction.STAGE_MENU)
    async def stage_moved(ack: Any, body: dict, action: dict, client: Any) -> None:
        await ack()
        value = (action.get("selected_option") or {}).get("value", "")
        await rerender(body, changed(read_form(body["view"]), action["action_id"], value), client)

    @app.action(PlanAction.REMOVE_TARGET)
    @app.action(PlanAction.ADD_STAGE)
    async def form_pressed(ack: Any, body: dict, action: dict, client: Any) -> None:
        await ack()
        form = changed(read_form(body["view"]), action["action_id"], action.get("value", ""))
        await rerender(body, form, client)

    @app.action(PlanAction.ADD_TARGET)
    async def target_chosen(ack: Any, body: dict, action: dict, client: Any) -> None:
        await ack()
        chosen = await chosen_target(
            services.plans, (action.get("selected_option") or {}).get("value") or ""
        )
        if not chosen:
            return  # deselected, or no longer in AWS
        form = with_target(read_form(body["view"]), stage_of(action["block_id"]), chosen)
        await rerender(body, form, client)
