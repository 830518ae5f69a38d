"""Incident channels: a name Slack accepts, made unique, and the channel created."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Awaitable, Callable
from datetime import date

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import Conflict

NAME_LIMIT = 80
ATTEMPTS = 20


def channel_name(day: date, title: str) -> str:
    """``inc-2026-11-24-checkout-errors``: lowercase, a-z 0-9 and dashes, at most 80 chars."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-") or "incident"
    return f"inc-{day.isoformat()}-{slug}"[: NAME_LIMIT - 3].rstrip("-")


async def create_channel(slack: AsyncWebClient, name: str) -> tuple[str, str]:
    """Create ``name`` or, when taken, ``name-2``, ``name-3``…; returns (id, name)."""
    for attempt in range(1, ATTEMPTS + 1):
        candidate = name if attempt == 1 else f"{name}-{attempt}"
        try:
            answer = await slack.conversations_create(name=candidate)
        except SlackApiError as exc:
            if exc.response.get("error") == "name_taken":
                continue
            raise  # the caller tells Slack's reason (missing_scope, restricted_action…)
        return answer["channel"]["id"], answer["channel"]["name"]
    raise Conflict(f"Every channel name from #{name} to #{name}-{ATTEMPTS} is taken.")


async def made_before(
    slack: AsyncWebClient, name: str, taken: Callable[[str], Awaitable[bool]]
) -> tuple[str, str] | None:
    """A channel ``name`` or ``name-N`` the bot is in and no incident has, as (id, name): the
    one ``create_channel`` made for an incident just before the process died."""
    pattern = re.compile(rf"{re.escape(name)}(-\d+)?")
    pages = await slack.conversations_list(
        types="public_channel", exclude_archived=True, limit=1000
    )
    async for page in pages:
        for channel in page["channels"]:
            if (
                channel.get("is_member")
                and pattern.fullmatch(channel["name"])
                and not await taken(channel["id"])
            ):
                return channel["id"], channel["name"]
    return None
