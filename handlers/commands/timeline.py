"""``/incident note|timeline``."""

from __future__ import annotations

from bot.blocks.related import timeline_text
from bot.mrkdwn import escape
from bot.numbers import BadNumber, whole_number
from bot.permissions import Right
from bot.slack.messages import display_name, readable_text
from bot.timeline import check_note
from bot.tokens import client_token
from handlers.commands.registry import Invocation, Subcommand

DEFAULT_COUNT, MAX_COUNT = 10, 50


async def note(invocation: Invocation) -> None:
    if not invocation.args:
        await invocation.respond(
            text=":warning: Write the note after the command: `/incident note <text>`.",
            response_type="ephemeral",
        )
        return
    services = invocation.services
    incident = await invocation.incident()
    author = await display_name(services.slack, invocation.user_id)
    text = await readable_text(services.slack, invocation.args)
    await services.timeline.note(
        incident.arn, check_note(f"{author}: {text}"), client_token("note", invocation.trigger_id)
    )
    await invocation.respond(
        text=f":memo: Added to the timeline: {escape(text)}", response_type="in_channel"
    )


async def timeline(invocation: Invocation) -> None:
    count_text = invocation.args or str(DEFAULT_COUNT)
    try:
        count = whole_number(count_text, 1, MAX_COUNT)
    except BadNumber:
        await invocation.respond(
            text=f":warning: `/incident timeline [N]` takes a number "
            f"from 1 to {MAX_COUNT}; you sent `{escape(count_text)}`.",
            response_type="ephemeral",
        )
        return
    services = invocation.services
    incident = await invocation.incident()
    entries = await services.timeline.recent(incident.arn, count)
    older = (
        f"`/incident timeline {MAX_COUNT}` shows more"
        if len(entries) == count < MAX_COUNT
        else "`/incident export` shows them all"
    )
    await invocation.respond(
        text=timeline_text(incident.title, entries, older if len(entries) == count else ""),
        response_type="ephemeral",
    )


SUBCOMMANDS = [
    Subcommand("note", "note <text>", "add a note to the incident timeline", note, Right.CHANGE),
    Subcommand(
        "timeline", "timeline [N]", "show the newest N timeline events", timeline, Right.READ
    ),
]
