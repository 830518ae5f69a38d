"""A privileged change goes on the incident's timeline with the Slack user who made it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.slack.messages import display_name
from bot.tokens import client_token

if TYPE_CHECKING:
    from bot.services import Services


async def audit(services: Services, user_id: str, arn: str, what: str, request: str) -> None:
    """Write ``what`` (e.g. "Resolved") by ``user_id`` once per ``request`` (its Slack id)."""
    name = await display_name(services.slack, user_id)
    await services.timeline.changed_by(arn, what, name, user_id, client_token("audit", request))
