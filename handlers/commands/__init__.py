"""The ``/incident`` slash command: ack at once, then route to the subcommand."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from bot.errors import DomainError
from bot.slack.blocks import error_text
from handlers.commands import incident, paging, people, related, timeline
from handlers.commands.help import help_subcommand
from handlers.commands.registry import Invocation, Subcommand

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.app import Services

log = logging.getLogger(__name__)

COMMAND = "/incident"


def subcommands() -> list[Subcommand]:
    """Every subcommand, in the order ``/incident help`` lists them."""
    listed: list[Subcommand] = []
    listed.append(help_subcommand(listed))
    for module in (incident, related, timeline, paging, people):
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
                    f"`{COMMAND} {name}` is not a command I know. "
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
        try:
            await sub.handler(invocation)
        except DomainError as error:
            await respond(text=error_text(error.message), response_type="ephemeral")
