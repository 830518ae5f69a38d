"""``/incident help``: every subcommand, one line each."""

from __future__ import annotations

from collections.abc import Sequence

from bot.slack.blocks import help_blocks
from handlers.commands.registry import Invocation, Subcommand


def help_subcommand(all_subcommands: Sequence[Subcommand]) -> Subcommand:
    async def show_help(invocation: Invocation) -> None:
        entries = [(sub.usage, sub.summary) for sub in all_subcommands]
        await invocation.respond(
            text="incident-bot commands", blocks=help_blocks(entries), response_type="ephemeral"
        )

    return Subcommand("help", "help", "list every command (this message)", show_help)
