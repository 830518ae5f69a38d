"""A responder's routine, by button: **Post status update** (card, reminder), the export and
**Archive channel** offered when an incident is resolved."""

from __future__ import annotations

from bot.blocks.ids import Action
from handlers.actions.registry import Button, Press, incident_pressed
from handlers.audit import audit
from handlers.views.status_update import open_status_update_form
from handlers.who import OnIncident, changers


async def update_form(press: Press, subject: OnIncident) -> None:
    await open_status_update_form(
        press.services, press.body["trigger_id"], press.user, subject.incident_arn
    )


async def exported(press: Press, subject: OnIncident) -> str:
    where = await press.services.exports.export(subject.incident_arn)
    return f"Exported the incident as {where}."


async def archived(press: Press, subject: OnIncident) -> str:
    """The channel archived, if the incident is still resolved now (in AWS): an offer made
    before a reopening is stale."""
    arn = subject.incident_arn
    incident_channel, now = await press.services.exports.archive_channel(arn)
    if not now:
        return f"<#{incident_channel}> is already archived."
    await audit(press.services, press.user, arn, "Channel archived", press.request)
    return f"Archived <#{incident_channel}>."


BUTTONS = [
    Button(Action.POST_UPDATE, incident_pressed, changers("post updates"), update_form),
    Button(
        Action.EXPORT,
        incident_pressed,
        changers("export"),
        exported,
        failed="Nothing was exported: ",
    ),
    Button(
        Action.ARCHIVE,
        incident_pressed,
        changers("archive the channel"),
        archived,
        failed="Not archived: ",
    ),
]
