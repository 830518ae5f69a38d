"""Submissions of the declare and update modals."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from bot.errors import DomainError
from bot.incidents.record import check_summary, check_title
from bot.incidents.service import Declaration
from bot.slack.ids import Action, Block, Callback
from bot.slack.modals import submitted
from bot.slack.notify import tell, warn
from bot.tokens import client_token

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.app import Services


def _field_errors(view: dict) -> tuple[dict[str, str], str, str]:
    """Slack's inline ``errors`` for the title and summary inputs, and their checked values."""
    errors: dict[str, str] = {}
    title = submitted(view, Block.TITLE, Action.TITLE) or ""
    summary = submitted(view, Block.SUMMARY, Action.SUMMARY) or ""
    try:
        title = check_title(title)
    except DomainError as error:
        errors[Block.TITLE] = error.message
    try:
        summary = check_summary(summary)
    except DomainError as error:
        errors[Block.SUMMARY] = error.message
    return errors, title, summary


def register(app: AsyncApp, services: Services) -> None:
    @app.view(Callback.DECLARE_MODAL)
    async def declare_submitted(ack: Any, body: dict, view: dict) -> None:
        errors, title, summary = _field_errors(view)
        impact = submitted(view, Block.IMPACT, Action.IMPACT)
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
            title=title,
            impact=int(impact),
            plan_arn=plan,
            summary=summary,
            create_channel=bool(submitted(view, Block.CHANNEL, Action.CHANNEL)),
            declarer=user,
            client_token=client_token("declare", view["id"]),
        )
        try:
            incident, channel = await services.incidents.declare(declaration)
        except DomainError as error:
            await warn(
                services.slack, user, origin, f"The incident was not declared: {error.message}"
            )
            return
        where = f" in <#{channel}>" if channel else ""
        await tell(
            services.slack,
            user,
            origin,
            f":rotating_light: Declared *{incident.title}*{where} (id `{incident.id}`).",
        )

    @app.view(Callback.UPDATE_MODAL)
    async def update_submitted(ack: Any, body: dict, view: dict) -> None:
        errors, title, summary = _field_errors(view)
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        arn = json.loads(view["private_metadata"])["arn"]
        user = body["user"]["id"]
        channel = await services.incidents.channel_of(arn)
        try:
            await services.incidents.update(
                arn,
                client_token("update", view["id"], view.get("hash", "")),
                title=title,
                impact=int(submitted(view, Block.IMPACT, Action.IMPACT)),
                summary=summary,
            )
        except DomainError as error:
            await warn(services.slack, user, channel, f"Nothing was changed: {error.message}")
