"""The **Add to incident timeline** message shortcut."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.errors import DomainError
from bot.slack.ids import Callback
from bot.slack.messages import slack_message
from handlers.replies import reply

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.services import Services

NOT_AN_INCIDENT = (
    "This message is not in an incident channel, so there is no incident "
    "timeline to add it to. Use it on a message in the incident's channel."
)


async def record_message(services: Services, channel_id: str, message: dict) -> str:
    """Put ``message`` on its channel's incident timeline; says what happened."""
    incident = await services.incidents.for_channel(channel_id)
    if incident is None:
        raise DomainError(NOT_AN_INCIDENT)
    recorded = await services.timeline.add_message(
        incident.arn, await slack_message(services.slack, channel_id, message)
    )
    if not recorded:
        return f"That message is already on the timeline of *{incident.title}*."
    return f":pushpin: Added to the timeline of *{incident.title}*."


def register(app: AsyncApp, services: Services) -> None:
    @app.shortcut(Callback.TIMELINE_SHORTCUT)
    async def add_to_timeline(ack: Any, shortcut: dict) -> None:
        await ack()
        user, channel = shortcut["user"]["id"], shortcut["channel"]["id"]
        await reply(
            services.slack, user, channel, record_message(services, channel, shortcut["message"])
        )
