"""Submissions of the declare and update modals."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from bot.errors import DomainError
from bot.incidents.declaration import Declaration
from bot.incidents.record import check_summary, check_title, parse_impact
from bot.permissions import Right
from bot.slack.declared import declared_text
from bot.slack.ids import Action, Block, Callback
from bot.slack.modals import chosen_plan, submitted, submitted_summary
from bot.tokens import client_token
from handlers.audit import audit
from handlers.replies import reply

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.services import Services


@dataclass(frozen=True)
class Fields:
    """The title, impact and summary inputs, checked, and Slack's inline ``errors`` for them."""

    errors: dict[str, str]
    title: str
    impact: int
    summary: str


def _fields(view: dict) -> Fields:
    errors: dict[str, str] = {}
    checked: dict[str, Any] = {}
    summary, summary_block = submitted_summary(view)
    inputs = [
        ("title", Block.TITLE, submitted(view, Block.TITLE, Action.TITLE), check_title),
        ("impact", Block.IMPACT, submitted(view, Block.IMPACT, Action.IMPACT), parse_impact),
        ("summary", summary_block, summary, check_summary),
    ]
    for name, block, value, check in inputs:
        try:
            checked[name] = check(value or "")
        except DomainError as error:
            errors[block] = error.message
    return Fields(
        errors, checked.get("title", ""), checked.get("impact", 0), checked.get("summary", "")
    )


def register(app: AsyncApp, services: Services) -> None:
    @app.view(Callback.DECLARE_MODAL)
    async def declare_submitted(ack: Any, body: dict, view: dict) -> None:
        fields = _fields(view)
        errors = dict(fields.errors)
        plan = submitted(view, Block.PLAN, Action.PLAN)
        if not plan:
            errors[Block.PLAN] = "Choose a response plan."
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        user = body["user"]["id"]
        origin = json.loads(view.get("private_metadata") or "{}").get("channel")
        declaration = Declaration(
            title=fields.title,
            impact=fields.impact,
            plan_arn=plan,
            summary=fields.summary,
            create_channel=bool(submitted(view, Block.CHANNEL, Action.CHANNEL)),
            declarer=user,
            client_token=client_token("declare", view["id"]),
        )

        async def declared() -> str | None:
            await services.permissions.require(user, Right.MEMBER, None, "declare incidents")
            plan_arn = await chosen_plan(services.incidents, declaration.plan_arn)
            outcome = await services.declarations.declare(
                replace(declaration, plan_arn=plan_arn), origin
            )
            return declared_text(outcome) if outcome else None  # None: another worker has it

        await reply(
            services.slack, user, origin, declared(), failed="The incident was not declared: "
        )

    @app.view(Callback.UPDATE_MODAL)
    async def update_submitted(ack: Any, body: dict, view: dict) -> None:
        fields = _fields(view)
        if fields.errors:
            await ack(response_action="errors", errors=fields.errors)
            return
        await ack()
        arn = json.loads(view["private_metadata"])["arn"]
        user = body["user"]["id"]
        channel = await services.incidents.channel_of(arn)

        async def updated() -> None:
            await services.permissions.require(user, Right.CHANGE, arn, "update")
            await services.incidents.update(
                arn,
                client_token("update", view["id"], view.get("hash", "")),
                title=fields.title,
                impact=fields.impact,
                summary=fields.summary,
            )
            await audit(
                services, user, arn, "Updated in the form", view["id"] + view.get("hash", "")
            )

        await reply(services.slack, user, channel, updated(), failed="Nothing was changed: ")
