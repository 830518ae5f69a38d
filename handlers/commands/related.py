"""``/incident link|unlink|links``: related items."""

from __future__ import annotations

from bot.related_items import parse_reference
from bot.slack.blocks import escape
from bot.slack.related_blocks import links_text, unlink_picker
from handlers.commands.registry import Invocation, Subcommand


async def link(invocation: Invocation) -> None:
    reference, _, title = invocation.args.partition(" ")
    if not reference:
        await invocation.respond(
            text=":warning: Give a URL or an ARN: `/incident link <url|arn> [title]`.",
            response_type="ephemeral",
        )
        return
    item = parse_reference(reference, title.strip() or None)
    services = invocation.services
    incident = await invocation.incident()
    await services.related_items.add(incident.arn, item, invocation.trigger_id)
    await services.incidents.refresh_card(incident.arn)
    await invocation.respond(
        text=f":link: <@{invocation.user_id}> linked {escape(item.value)}",
        response_type="in_channel",
    )


async def unlink(invocation: Invocation) -> None:
    services = invocation.services
    incident = await invocation.incident()
    if invocation.args:
        item = await services.related_items.remove(
            incident.arn, invocation.args.strip("<>"), invocation.trigger_id
        )
        await services.incidents.refresh_card(incident.arn)
        await invocation.respond(
            text=f"Removed {escape(item.value)} from the incident.", response_type="in_channel"
        )
        return
    items = await services.related_items.list(incident.arn)
    if not items:
        await invocation.respond(text=links_text(items), response_type="ephemeral")
        return
    await invocation.respond(
        text="Choose an item to remove",
        blocks=unlink_picker(incident.arn, items),
        response_type="ephemeral",
    )


async def links(invocation: Invocation) -> None:
    services = invocation.services
    incident = await invocation.incident(invocation.args)
    await invocation.respond(
        text=links_text(await services.related_items.list(incident.arn)), response_type="ephemeral"
    )


SUBCOMMANDS = [
    Subcommand("link", "link <url|arn> [title]", "attach a link or AWS resource", link),
    Subcommand("unlink", "unlink [url|arn]", "remove a related item (offers a picker)", unlink),
    Subcommand("links", "links [id]", "list the incident's related items", links),
]
