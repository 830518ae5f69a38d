"""Incident channels: a name Slack accepts, made unique, and the channel created."""

from __future__ import annotations

import re
import unicodedata
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
