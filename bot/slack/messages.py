"""Reading people and messages back from Slack."""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.timeline import SlackMessage


async def display_name(slack: AsyncWebClient, user_id: str) -> str:
    try:
        user = (await slack.users_info(user=user_id))["user"]
    except SlackApiError:
        return f"<@{user_id}>"
    return user.get("real_name") or user.get("name") or user_id


async def slack_message(
    slack: AsyncWebClient, channel_id: str, message: dict[str, Any]
) -> SlackMessage:
    """A message as the timeline records it: who wrote it, what, and a link back."""
    author = message.get("user") or message.get("bot_id") or "someone"
    link = await slack.chat_getPermalink(channel=channel_id, message_ts=message["ts"])
    return SlackMessage(
        channel_id=channel_id,
        ts=message["ts"],
        author=await display_name(slack, author) if author.startswith("U") else author,
        text=message.get("text", ""),
        permalink=link["permalink"],
    )
