"""The incident card's buttons: Update, Resolve, Reopen."""

from __future__ import annotations

from bot.blocks.ids import Action
from bot.incidents.record import OPEN, RESOLVED
from bot.mrkdwn import escape
from bot.tokens import client_token
from handlers.actions.registry import Button, Press, incident_pressed
from handlers.audit import audit
from handlers.forms import open_update_form
from handlers.who import OnIncident, changers


async def update_form(press: Press, subject: OnIncident) -> None:
    services = press.services
    await open_update_form(
        services.forms,
        press.body["trigger_id"],
        press.user,
        services.incidents,
        subject.incident_arn,
    )


async def _set_status(press: Press, subject: OnIncident, status: str) -> str | None:
    """Resolve or reopen; said in the incident's own channel (not wherever the press claims to
    come from), or to the presser when it has none."""
    services = press.services
    token = client_token("card", press.request, status)
    incident = await services.incidents.set_status(subject.incident_arn, status, press.user, token)
    verb = "resolved" if status == RESOLVED else "reopened"
    await audit(services, press.user, incident.arn, verb.title(), press.request)
    said = f"<@{press.user}> {verb} *{escape(incident.title)}*."
    channel = await services.incidents.channel_of(incident.arn)
    if channel:
        await services.slack.chat_postMessage(channel=channel, text=said)
    if status == RESOLVED:
        await services.exports.offer(incident.arn)
    return None if channel else said


async def resolved(press: Press, subject: OnIncident) -> str | None:
    return await _set_status(press, subject, RESOLVED)


async def reopened(press: Press, subject: OnIncident) -> str | None:
    return await _set_status(press, subject, OPEN)


BUTTONS = [
    Button(Action.UPDATE, incident_pressed, changers("update"), update_form),
    Button(Action.RESOLVE, incident_pressed, changers("resolve"), resolved),
    Button(Action.REOPEN, incident_pressed, changers("reopen"), reopened),
]
