"""``/incident link|unlink|links``: related items."""

from __future__ import annotations

from bot.blocks.related import links_text, unlink_picker
from bot.errors import InvalidInput
from bot.mrkdwn import escape
from bot.people import MENTION
from bot.permissions import Right
from bot.related_items import parse_reference
from handlers.audit import audit
from handlers.commands.registry import Invocation, Subcommand


def link_right(args: str) -> Right:
    """``link @user <alias>`` links a person to a contact (admins); otherwise a related item."""
    return Right.ADMIN if MENTION.match(args.partition(" ")[0]) else Right.CHANGE


async def link(invocation: Invocation) -> None:
    reference, _, title = invocation.args.partition(" ")
    if mention := MENTION.match(reference):
        await link_person(invocation, mention.group(1), title.strip())
        return
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
    await audit(
        services, invocation.user_id, incident.arn, "Related item added", invocation.trigger_id
    )
    await services.incidents.refresh_card(incident.arn)
    await invocation.respond(
        text=f":link: <@{invocation.user_id}> linked {escape(item.value)}",
        response_type="in_channel",
    )


async def link_person(invocation: Invocation, user_id: str, alias: str) -> None:
    if not alias:
        raise InvalidInput("Name the contact: `/incident link @user <contact-alias>`.")
    contact = await invocation.services.people.link(user_id, alias, admin=invocation.user_id)
    await invocation.respond(
        text=f":link: <@{user_id}> is now linked to `{contact.alias}` "
        f"({escape(contact.display_name)}): its pages reach them in Slack.",
        response_type="ephemeral",
    )


async def unlink(invocation: Invocation) -> None:
    services = invocation.services
    incident = await invocation.incident()
    if invocation.args:
        item = await services.related_items.remove(
            incident.arn, invocation.args.strip("<>"), invocation.trigger_id
        )
        await audit(
            services,
            invocation.user_id,
            incident.arn,
            "Related item removed",
            invocation.trigger_id,
        )
        await services.incidents.refresh_card(incident.arn)
        await invocation.respond(
            text=f"Removed {escape(item.value)} from the incident.", response_type="in_channel"
        )
        return
    items = await services.related_items.list(incident.arn)
    if not items:
        await invocation.respond(
            text=links_text(items, services.incidents.console(incident.arn)),
            response_type="ephemeral",
        )
        return
    await invocation.respond(
        text="Choose an item to remove",
        blocks=unlink_picker(incident.arn, items),
        response_type="ephemeral",
    )


async def links(invocation: Invocation) -> None:
    services = invocation.services
    incident = await invocation.incident(invocation.args)
    items = await services.related_items.list(incident.arn)
    await invocation.respond(
        text=links_text(items, services.incidents.console(incident.arn)), response_type="ephemeral"
    )


SUBCOMMANDS = [
    Subcommand(
        "link",
        "link <url|arn> [title] | link @user <contact-alias>",
        "attach a link or AWS resource; admins: link a person to their contact",
        link,
        link_right,
    ),
    Subcommand(
        "unlink",
        "unlink [url|arn]",
        "remove a related item (offers a picker)",
        unlink,
        Right.CHANGE,
    ),
    Subcommand(
        "links",
        "links [id]",
        "list the incident's related items",
        links,
        Right.READ,
        names_incident=True,
    ),
]
