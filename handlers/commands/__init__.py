"""The ``/incident`` slash command: ack at once, then route to the subcommand."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import aiohttp

from bot.blocks.card import incident_picker
from bot.blocks.common import error_text
from bot.errors import DomainError
from bot.incidents.service import NotAnIncidentChannel
from bot.mrkdwn import escape
from bot.permissions import Right
from bot.slack.notify import tell
from handlers.commands import incident, oncall, paging, people, plans, related, routine, timeline
from handlers.commands.help import help_subcommand
from handlers.commands.registry import Invocation, Subcommand

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.services import Services

log = logging.getLogger(__name__)

COMMAND = "/incident"
PICKER_SIZE = 100  # a select menu's most options


def subcommands() -> list[Subcommand]:
    """Every subcommand, in the order ``/incident help`` lists them."""
    listed: list[Subcommand] = []
    listed.append(help_subcommand(listed))
    for module in (incident, related, timeline, paging, people, plans, oncall, routine):
        listed.extend(module.SUBCOMMANDS)
    return listed


def register(app: AsyncApp, services: Services) -> None:
    table = {sub.name: sub for sub in subcommands()}

    @app.command(COMMAND)
    async def incident_command(ack: Any, body: dict, respond: Any, client: Any) -> None:
        await ack()
        name, _, args = body.get("text", "").strip().partition(" ")
        sub = table.get(name.lower() or "help")
        if sub is None:
            await respond(
                text=error_text(
                    f"`{COMMAND} {escape(name)}` is not a command I know. "
                    f"Try `{COMMAND} help` to see them all."
                ),
                response_type="ephemeral",
            )
            return
        invocation = Invocation(
            name=sub.name,
            args=args.strip(),
            user_id=body["user_id"],
            channel_id=body["channel_id"],
            trigger_id=body.get("trigger_id", ""),
            respond=respond,
            client=client,
            services=services,
            body=body,
        )
        await run(sub, invocation)


def answering(invocation: Invocation) -> Callable[..., Awaitable[None]]:
    """The invocation's ``respond``; when the response URL does not take the answer (Slack
    answers HTTP 500, or nothing), the same answer through the Web API instead."""
    respond, slack = invocation.respond, invocation.services.slack

    async def answer(**message: Any) -> None:
        try:
            response = await respond(**message)
            if response.status_code < 500:
                if response.status_code != 200:
                    log.error("the response URL refused an answer: %s", response.body)
                return
            what = f"HTTP {response.status_code}"
        except (TimeoutError, aiohttp.ClientError) as exc:
            what = type(exc).__name__
        log.warning("Slack outage: the response URL answered %s; answering otherwise", what)
        text, blocks = message.get("text", ""), message.get("blocks")
        if message.get("response_type") == "in_channel":
            await slack.chat_postMessage(channel=invocation.channel_id, text=text, blocks=blocks)
        else:
            await tell(slack, invocation.user_id, invocation.channel_id, text, blocks)

    return answer


async def run(sub: Subcommand, invocation: Invocation) -> None:
    """Run one subcommand; a domain error becomes an ephemeral (with a picker when it helps)."""
    invocation = replace(invocation, respond=answering(invocation))
    try:
        if checked := await allowed(sub, invocation):
            await sub.handler(checked)
    except NotAnIncidentChannel as error:
        services = invocation.services
        open_incidents = [
            incident
            for incident in await services.incidents.list("open", limit=PICKER_SIZE)
            if await services.permissions.may_see(invocation.user_id, incident.arn)
        ]
        command = f"{sub.name} {invocation.args}".strip()
        blocks = incident_picker(error.message, open_incidents, command)
        await invocation.respond(
            text=error_text(error.message), blocks=blocks, response_type="ephemeral"
        )
    except DomainError as error:
        await invocation.respond(text=error_text(error.message), response_type="ephemeral")


async def allowed(sub: Subcommand, invocation: Invocation) -> Invocation | None:
    """Ask the permission policy: the invocation bound to the incident it was allowed on, or
    None after telling the refusal privately (nothing runs)."""
    right = sub.right_for(invocation.args)
    arn = None
    if right in (Right.READ, Right.CHANGE):
        arn = await invocation.incident_arn(invocation.args if sub.names_incident else None)
    decision = await invocation.services.permissions.decide(
        invocation.user_id, right, arn, f"run `{COMMAND} {sub.name}`"
    )
    if not decision.allowed:
        await invocation.respond(text=error_text(decision.refusal), response_type="ephemeral")
        return None
    return replace(invocation, chosen_incident=arn) if arn else invocation
