"""The escalation plan form's Save: AWS's limits checked inline, then the whole plan sent."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.contact_plans.escalation import PlanChanged, checked, stages_summary
from bot.slack.blocks import error_text, escape
from bot.slack.ids import PlanAction
from bot.slack.plan_blocks import change_text
from bot.slack.plan_modal import errors_for, read_form
from handlers.replies import reply

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.services import Services


def register(app: AsyncApp, services: Services) -> None:

    @app.view(PlanAction.MODAL)
    async def plan_saved(ack: Any, body: dict, view: dict) -> None:
        form = read_form(view)
        stages, problems = checked(form.stages, services.plans.limits)
        if problems:
            await ack(response_action="errors", errors=errors_for(form, problems))
            return
        await ack()
        user = body["user"]["id"]

        async def saved() -> str:
            try:
                result = await services.plans.save(user, form.arn, form.read, stages)
            except PlanChanged as conflict:
                return error_text(
                    f"{conflict.message}\n*now:* {stages_summary(conflict.plan.stages)}"
                )
            await services.plans.announce(change_text(user, result.after, result.before.stages))
            return (
                f":white_check_mark: Saved the escalation plan `{escape(result.after.alias)}`: "
                f"{stages_summary(result.after.stages)} (* essential)."
            )

        await reply(
            services.slack, user, form.channel or None, saved(), failed="Nothing was saved: "
        )
