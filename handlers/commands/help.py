"""``/incident help``: every subcommand, one line each."""

from __future__ import annotations

from collections.abc import Sequence

from bot.blocks.common import help_blocks
from handlers.commands.registry import Invocation, Subcommand


def help_subcommand(all_subcommands: Sequence[Subcommand]) -> Subcommand:
    answer: list[dict] = []  # the same for everyone: built once, on first use

    async def show_help(invocation: Invocation) -> None:
        if not answer:
            answer.extend(help_blocks([(sub.usage, sub.summary) for sub in all_subcommands]))
        await invocation.respond(
            text="incident-bot commands", blocks=answer, response_type="ephemeral"
        )

    return Subcommand("help", "help", "list every command (this message)", show_help)
