"""The unlink picker's selection."""

from __future__ import annotations

from bot.blocks.ids import Action
from bot.blocks.related import item_key
from bot.errors import DomainError
from bot.mrkdwn import escape
from handlers.actions.registry import Button, Press
from handlers.audit import audit
from handlers.who import OnIncident, changers


async def channel_incident(press: Press) -> OnIncident:
    """The incident of the channel the picker was shown in (the bot's own record of it)."""
    return OnIncident(await press.services.incidents.target_arn(press.channel or "", None))


async def unlinked(press: Press, subject: OnIncident) -> None:
    """Remove the chosen item, found among the related items AWS lists now (a choice the
    picker never offered, or one unlinked since, is not there)."""
    services = press.services
    incident = await services.incidents.get(subject.incident_arn)
    items = await services.related_items.list(incident.arn)
    item = next((i for i in items if item_key(i) == press.value), None)
    if item is None:
        raise DomainError("That item is no longer linked; `/incident links` shows what is.")
    await services.related_items.remove(incident.arn, item.value, press.request)
    await audit(services, press.user, incident.arn, "Related item removed", press.request)
    await services.incidents.refresh_card(incident.arn)
    await press.respond(
        text=f"Removed {escape(item.value)} from *{escape(incident.title)}*.",
        replace_original=True,
        response_type="ephemeral",
    )


BUTTONS = [Button(Action.UNLINK, channel_incident, changers("unlink"), unlinked)]
