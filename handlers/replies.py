"""The one way a listener answers the person who acted: what the work says, or what was wrong."""

from __future__ import annotations

from collections.abc import Awaitable

from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import DomainError
from bot.slack.notify import tell, warn


async def reply(
    slack: AsyncWebClient,
    user_id: str,
    channel_id: str | None,
    work: Awaitable[str | None],
    failed: str = "",
) -> None:
    """Await ``work`` and tell ``user_id`` privately what it says (nothing for None); a domain
    error is told as a warning instead, after ``failed`` (what did not happen)."""
    try:
        said = await work
    except DomainError as error:
        await warn(slack, user_id, channel_id, f"{failed}{error.message}")
        return
    if said:
        await tell(slack, user_id, channel_id, said)
