"""``/incident declare|status|update|title|impact|summary|resolve|reopen|list``."""

from __future__ import annotations

from bot.blocks.card import card_message, incident_line
from bot.blocks.fit import fit_text
from bot.incidents.record import (
    OPEN,
    RESOLVED,
    Incident,
    check_summary,
    check_title,
    parse_impact,
)
from bot.mrkdwn import escape
from bot.permissions import Right
from bot.slack.messages import readable_text
from bot.timeline import check_note
from bot.tokens import client_token
from handlers.audit import audit
from handlers.commands.registry import Invocation, Subcommand
from handlers.forms import open_declare_form, open_update_form

LIST_CHOICES = ("open", "resolved", "all")
LIST_SHOWN = 40  # lines in one /incident list answer


async def declare(invocation: Invocation) -> None:
    services = invocation.services
    await open_declare_form(
        services.forms,
        invocation.trigger_id,
        invocation.user_id,
        services.incidents,
        services.settings.default_response_plan,
        await readable_text(services.slack, invocation.args) if invocation.args else "",
        "",
        invocation.channel_id,
    )


async def status(invocation: Invocation) -> None:
    incident = await invocation.incident(invocation.args)
    text, blocks = card_message(await invocation.services.incidents.card(incident.arn))
    await invocation.respond(text=text, blocks=blocks, response_type="ephemeral")


async def update(invocation: Invocation) -> None:
    arn = await invocation.incident_arn(invocation.args)
    services = invocation.services
    await open_update_form(
        services.forms, invocation.trigger_id, invocation.user_id, services.incidents, arn
    )


async def _change(invocation: Invocation, done: str, what: str, **changes: object) -> None:
    services = invocation.services
    incident = await invocation.incident()
    updated = await services.incidents.update(
        incident.arn, client_token(invocation.trigger_id, invocation.name), **changes
    )
    await audit(services, invocation.user_id, incident.arn, what, invocation.trigger_id)
    await invocation.respond(
        text=f":white_check_mark: {done} *{escape(updated.title)}*.", response_type="in_channel"
    )


async def title(invocation: Invocation) -> None:
    text = await readable_text(invocation.services.slack, invocation.args)
    await _change(invocation, "Title is now", "Title changed", title=check_title(text))


async def impact(invocation: Invocation) -> None:
    value = parse_impact(invocation.args)
    await _change(invocation, f"Impact set to {value} on", f"Impact set to {value}", impact=value)


async def summary(invocation: Invocation) -> None:
    text = await readable_text(invocation.services.slack, invocation.args)
    await _change(invocation, "Summary updated on", "Summary changed", summary=check_summary(text))


async def _set_status(invocation: Invocation, status: str, done: str) -> Incident:
    """Resolve or reopen, and say so in the channel; an incident already so is answered
    privately and nothing is posted."""
    services = invocation.services
    arn = await invocation.incident_arn()
    incident = await services.incidents.set_status(
        arn, status, invocation.user_id, client_token(invocation.trigger_id, invocation.name)
    )
    await audit(services, invocation.user_id, arn, done.capitalize(), invocation.trigger_id)
    await invocation.respond(
        text=f":white_check_mark: <@{invocation.user_id}> {done} *{escape(incident.title)}*.",
        response_type="in_channel",
    )
    return incident


async def resolve(invocation: Invocation) -> None:
    note = ""
    if invocation.args:  # checked before anything changes
        note = check_note(
            f"Resolved: {await readable_text(invocation.services.slack, invocation.args)}"
        )
    incident = await _set_status(invocation, RESOLVED, "resolved")
    if note:
        await invocation.services.timeline.note(
            incident.arn, note, client_token(invocation.trigger_id, "resolve-note")
        )
    await invocation.services.exports.offer(incident.arn)


async def reopen(invocation: Invocation) -> None:
    await _set_status(invocation, OPEN, "reopened")


async def list_incidents(invocation: Invocation) -> None:
    which = (invocation.args or "open").lower()
    if which not in LIST_CHOICES:
        await invocation.respond(
            text=f":warning: `/incident list {escape(which)}`: "
            f"choose one of {', '.join(LIST_CHOICES)}.",
            response_type="ephemeral",
        )
        return
    service = invocation.services.incidents
    permissions = invocation.services.permissions
    incidents = [
        incident
        for incident in await service.list(which, limit=LIST_SHOWN + 1)
        if await permissions.may_see(invocation.user_id, incident.arn)
    ]
    if not incidents:
        await invocation.respond(text=f"No {which} incidents.", response_type="ephemeral")
        return
    lines = [incident_line(i, await service.channel_of(i.arn)) for i in incidents[:LIST_SHOWN]]
    if len(incidents) > LIST_SHOWN:
        lines.append(f"…and more than {LIST_SHOWN}: the AWS console lists them all.")
    await invocation.respond(
        text=fit_text(f"*{which.title()} incidents*", lines, "the AWS console lists them all"),
        response_type="ephemeral",
    )


SUBCOMMANDS = [
    Subcommand(
        "declare", "declare [title]", "declare an incident (opens a form)", declare, Right.MEMBER
    ),
    Subcommand(
        "status", "status [id]", "show the incident card", status, Right.READ, names_incident=True
    ),
    Subcommand(
        "update",
        "update [id]",
        "edit title, impact and summary in a form",
        update,
        Right.CHANGE,
        names_incident=True,
    ),
    Subcommand("title", "title <text>", "rename this channel's incident", title, Right.CHANGE),
    Subcommand(
        "impact", "impact <1-5>", "set impact: 1 Critical … 5 No Impact", impact, Right.CHANGE
    ),
    Subcommand("summary", "summary <text>", "replace the incident summary", summary, Right.CHANGE),
    Subcommand("resolve", "resolve [note]", "mark the incident resolved", resolve, Right.CHANGE),
    Subcommand("reopen", "reopen", "reopen a resolved incident", reopen, Right.CHANGE),
    Subcommand(
        "list",
        "list [open|resolved|all]",
        "list incidents (open by default)",
        list_incidents,
        Right.MEMBER,
    ),
]
