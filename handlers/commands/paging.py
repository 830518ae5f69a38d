"""``/incident page|pages|stop-paging``."""

from __future__ import annotations

from bot.blocks.fit import MESSAGE_TEXT, clip, fit_text
from bot.errors import InvalidInput
from bot.escalation.engaging import StageStart
from bot.mrkdwn import escape
from bot.permissions import Right
from handlers.audit import audit
from handlers.commands.registry import Invocation, Subcommand

SAID_BEFORE = 1_000  # room for the confirmation before what a stage did (an alias, a title)


def _names(aliases: list[str]) -> str:
    return ", ".join(f"`{alias}`" for alias in aliases)


def stage_said(started: StageStart) -> str:
    """What the first stage did, when a target failed: who was paged, who was not and why (as
    much as a message holds with the confirmation before it)."""
    if not started.failed:
        return ""
    failed = "; ".join(f"could not page `{a}`: {why}" for a, why in started.failed.items())
    paged = f"paged {_names(started.paged)}" if started.paged else "paged nobody"
    said = f"\n:warning: Stage 1 {paged}; {failed}"
    return clip(said, MESSAGE_TEXT - SAID_BEFORE)


async def page(invocation: Invocation) -> None:
    if not invocation.args:
        raise InvalidInput(
            "Say whom to page: `/incident page <contact-alias|escalation-plan|@user>`."
        )
    services = invocation.services
    incident = await invocation.incident()
    contact = await services.people.contact(await _by_role(invocation, incident.arn))
    started = await services.escalations.start(incident, contact, invocation.user_id)
    await audit(
        services,
        invocation.user_id,
        incident.arn,
        f"Paging of {contact.alias} started",
        invocation.trigger_id,
    )
    await invocation.respond(
        text=f":pager: Paging `{contact.alias}` for *{escape(incident.title)}*."
        + stage_said(started),
        response_type="ephemeral",
    )


async def _by_role(invocation: Invocation, arn: str) -> str:
    """Whom ``page`` names: a role (``commander``) stands for its holder's linked contact."""
    roles = invocation.services.incidents.roles
    role = invocation.args.strip().lower()
    if role not in roles.names:
        return invocation.args
    return f"<@{await roles.holder(arn, role)}>"


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
        text=fit_text("*Open escalations*", lines, "`/incident pages` in an incident's channel"),
        response_type="ephemeral",
    )


async def stop_paging(invocation: Invocation) -> None:
    services = invocation.services
    incident = await invocation.incident(invocation.args)
    stopped = await services.stops.stop_all(incident.arn, invocation.user_id)
    if stopped:
        await audit(
            services, invocation.user_id, incident.arn, "Paging stopped", invocation.trigger_id
        )
    head = f"Stopped {len(stopped)} escalation(s) for *{escape(incident.title)}*."
    lines = [
        f":warning: AWS refused to stop the engagement of `{alias}` (escalation "
        f"`{closed.alias}`), so AWS may still page them: {why} Stop it in the AWS console."
        for closed in stopped
        for alias, why in closed.refused.items()
    ]
    await invocation.respond(
        text=fit_text(head, lines, "the engagements in the AWS console"),
        response_type="in_channel" if stopped else "ephemeral",
    )


SUBCOMMANDS = [
    Subcommand(
        "page",
        "page <contact|escalation-plan|@user|role>",
        "page people for this incident (a role pages its holder)",
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
