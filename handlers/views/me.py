"""``/incident me``'s forms: the engagement plan (checked inline, saved with UpdateContact) and
the activation code (ActivateContactChannel; a wrong code is said under the field)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from bot.contact_plans.personal import checked_engagement
from bot.errors import DomainError
from bot.slack.ids import MeAction
from bot.slack.notify import tell
from bot.slack.personal_blocks import (
    channel_text,
    channels_chosen,
    engagement_lines,
    plan_errors,
    read_plan,
)
from handlers.replies import reply

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.services import Services


def register(app: AsyncApp, services: Services) -> None:

    @app.view(MeAction.PLAN_MODAL)
    async def plan_saved(ack: Any, body: dict, view: dict) -> None:
        rows, origin = read_plan(view)
        stages, problems = checked_engagement(rows, services.personal_plans.limits)
        if problems:
            await ack(response_action="errors", errors=plan_errors(problems))
            return
        await ack()
        user = body["user"]["id"]

        async def saved() -> str:
            mine = await services.personal_plans.mine(user)
            chosen = channels_chosen(stages, mine.channels)
            mine = await services.personal_plans.save(user, chosen)
            return "\n".join(
                [":white_check_mark: Saved your paging plan:", *engagement_lines(mine)]
            )

        await reply(services.slack, user, origin or None, saved(), failed="Nothing was saved: ")

    @app.view(MeAction.CODE_MODAL)
    async def code_given(ack: Any, body: dict, view: dict) -> None:
        meta = json.loads(view["private_metadata"])
        values = (view.get("state") or {}).get("values") or {}
        code = (values.get(MeAction.CODE, {}).get(MeAction.CODE, {}).get("value") or "").strip()
        user = body["user"]["id"]
        try:
            channel = await services.personal_plans.activate(user, meta["arn"], code)
        except DomainError as error:
            await ack(response_action="errors", errors={MeAction.CODE: error.message})
            return
        await ack()
        text = f":white_check_mark: {channel_text(channel)} is activated: AWS may page you there."
        await tell(services.slack, user, meta["channel"] or None, text)
