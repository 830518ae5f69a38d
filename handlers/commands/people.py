"""``/incident link-me|unlink-me|whois``: who answers for which contact."""

from __future__ import annotations

from bot.blocks.paging import on_call_text, plan_text
from bot.contacts import alias_of
from bot.escalation.plan import stages_of
from bot.mrkdwn import escape
from bot.people import MENTION
from bot.slack.messages import display_name
from bot.vocabulary import ContactType
from handlers.commands.registry import Invocation, Subcommand


async def link_me(invocation: Invocation) -> None:
    alias, _, code = invocation.args.partition(" ")
    if not alias:
        await invocation.respond(
            text=":warning: Name your contact: `/incident link-me <contact-alias>`.",
            response_type="ephemeral",
        )
        return
    people = invocation.services.people
    if not code.strip():
        name = await display_name(invocation.client, invocation.user_id)
        said = await people.send_link_code(invocation.user_id, name, alias)
        await invocation.respond(text=said, response_type="ephemeral")
        return
    contact = await people.link_me(invocation.user_id, alias, code.strip())
    await invocation.respond(
        text=f":link: You are now linked to `{contact.alias}` "
        f"({escape(contact.display_name)}): pages for it reach you here.",
        response_type="ephemeral",
    )


async def unlink_me(invocation: Invocation) -> None:
    removed = await invocation.services.people.unlink_me(invocation.user_id)
    text = (
        "You are no longer linked to any contact."
        if removed
        else "You were not linked to any contact."
    )
    await invocation.respond(text=text, response_type="ephemeral")


async def whois(invocation: Invocation) -> None:
    people = invocation.services.people
    if not invocation.args:
        await invocation.respond(
            text=":warning: `/incident whois <contact-alias|@user>`.", response_type="ephemeral"
        )
        return
    contact = await people.contact(invocation.args)
    if contact.type == ContactType.ESCALATION:
        text = plan_text(contact.alias, contact.display_name, stages_of(contact))
        await invocation.respond(text=text, response_type="ephemeral")
        return
    if contact.type == ContactType.ONCALL_SCHEDULE:
        on_call = [
            (alias_of(arn), await people.slack_user_for(arn, alias_of(arn)))
            for arn in await people.on_call_now(contact)
        ]
        text = on_call_text(contact.alias, contact.display_name, on_call)
        await invocation.respond(text=text, response_type="ephemeral")
        return
    user = await people.slack_user_for(contact.arn, contact.alias)
    link = await people.link_of(contact.arn)
    if user is None or link is None:
        text = (
            f"`{contact.alias}` ({escape(contact.display_name)}, {contact.type.lower()}) "
            "is not "
            f"linked to a Slack user. They can run `/incident link-me {contact.alias}`."
        )
    else:
        how = {
            "self": "linked themselves",
            "mapping": "from the contact map file",
            "email": "matched by the contact's email",
            "admin": "linked by an admin",
        }[link.source]
        text = f"`{contact.alias}` ({escape(contact.display_name)}) is <@{user}> ({how})."
    if MENTION.match(invocation.args.strip()):
        text = text.replace(
            f"`{contact.alias}` (", f"{invocation.args.strip()} → `{contact.alias}` (", 1
        )
    await invocation.respond(text=text, response_type="ephemeral")


SUBCOMMANDS = [
    Subcommand(
        "link-me",
        "link-me <contact-alias> [code]",
        "link yourself to your IM contact: sends a code to it, then give the code",
        link_me,
    ),
    Subcommand("unlink-me", "unlink-me", "remove your contact link", unlink_me),
    Subcommand("whois", "whois <contact-alias|@user>", "show who answers for a contact", whois),
]
