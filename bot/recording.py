"""Putting a Slack message on the timeline of its channel's incident (shortcut or reaction)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.errors import InvalidInput
from bot.incidents.service import IncidentService
from bot.mrkdwn import escape
from bot.permissions import Permissions, Right
from bot.timeline import SlackMessage, Timeline

NOT_AN_INCIDENT = (
    "This message is not in an incident channel, so there is no incident "
    "timeline to add it to. Use it on a message in the incident's channel."
)


async def record_message(
    incidents: IncidentService,
    timeline: Timeline,
    channel_id: str,
    read: Callable[[], Awaitable[SlackMessage]],
    permissions: Permissions,
    user_id: str,
) -> str:
    """Put the message ``read`` reads (once the incident and the right are known) on its
    channel's incident timeline, if ``user_id`` may; says what happened."""
    incident = await incidents.for_channel(channel_id)
    if incident is None:
        raise InvalidInput(NOT_AN_INCIDENT)
    await permissions.require(user_id, Right.CHANGE, incident.arn, "add to the timeline")
    recorded = await timeline.add_message(incident.arn, await read())
    if not recorded:
        return f"That message is already on the timeline of *{escape(incident.title)}*."
    return f":pushpin: Added to the timeline of *{escape(incident.title)}*."
