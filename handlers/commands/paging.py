"""``/incident page|pages|stop-paging``."""

from __future__ import annotations

from bot.errors import InvalidInput
from bot.permissions import Right
from bot.slack.blocks import escape
from handlers.audit import audit
from handlers.commands.registry import Invocation, Subcommand


async def page(invocation: Invocation) -> None:
    if not invocation.args:
        raise InvalidInput(
            "Say whom to page: `/incident page <contact-alias|escalation-plan|@user>`."
        )
    services = invocation.services
    incident = await invocation.incident()
    contact = await services.people.contact(invocation.args)
    await services.escalations.start(incident, contact, invocation.user_id)
    await audit(
        services,
        invocation.user_id,
        incident.arn,
        f"Paging of {contact.alias} started",
        invocation.trigger_id,
    )
    await invocation.respond(
        text=f":pager: Paging `{contact.alias}` for *{escape(incident.title)}*.",
        response_type="ephemeral",
    )


async def pages(invocation: Invocation) -> None:
    services = invocation.services
    incident = await services.incidents.for_channel(invocation.channel_id)
    running = [
        escalation
        for escalation in await services.escalations.running(incident.arn if incident else None)
        if await services.permissions.may_see(invocation.user_id, escalation.incident_arn)
    ]
    if not running:
        await invocation.respond(text="No escalation is running.", response_type="ephemeral")
        return
    lines = [
        f"• `{e.contact_alias}` stage {e.current_stage + 1}, paged by <@{e.requested_by}>"
        for e in running
    ]
    await invocation.respond(
        text="*Open escalations*\n" + "\n".join(lines), response_type="ephemeral"
    )


async def stop_paging(invocation: Invocation) -> None:
    services = invocation.services
    incident = await invocation.incident(invocation.args)
    stopped = await services.stops.stop_all(incident.arn, invocation.user_id)
    if stopped:
        await audit(
            services, invocation.user_id, incident.arn, "Paging stopped", invocation.trigger_id
        )
    await invocation.respond(
        text=f"Stopped {stopped} escalation(s) for *{escape(incident.title)}*.",
        response_type="in_channel" if stopped else "ephemeral",
    )


SUBCOMMANDS = [
    Subcommand(
        "page",
        "page <contact|escalation-plan|@user>",
        "page people for this incident",
        page,
        Right.CHANGE,
    ),
    Subcommand("pages", "pages", "list the escalations that are running", pages, Right.MEMBER),
    Subcommand(
        "stop-paging",
        "stop-paging",
        "stop every escalation of this incident",
        stop_paging,
        Right.CHANGE,
        names_incident=True,
    ),
]
