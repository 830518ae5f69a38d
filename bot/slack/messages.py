"""Reading people and messages back from Slack."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.paging_blocks import page_metadata
from bot.timeline import SlackMessage

log = logging.getLogger(__name__)


async def display_name(slack: AsyncWebClient, user_id: str) -> str:
    try:
        user = (await slack.users_info(user=user_id))["user"]
    except SlackApiError:
        return f"<@{user_id}>"
    return user.get("real_name") or user.get("name") or user_id


async def group_members(slack: AsyncWebClient, group_id: str) -> set[str]:
    """The members of a Slack user group (``SlackApiError`` when Slack will not say)."""
    answer = await slack.usergroups_users_list(usergroup=group_id)
    return set(answer.get("users") or [])


async def sent_page(slack: AsyncWebClient, user_id: str, notice_id: str) -> dict[str, str] | None:
    """The DM already carrying this page, if any (found by its metadata), as channel and ts."""
    try:
        channel = (await slack.conversations_open(users=user_id))["channel"]["id"]
        history = await slack.conversations_history(
            channel=channel, limit=200, include_all_metadata=True
        )
    except SlackApiError as exc:
        log.warning("cannot read %s's DMs to avoid a repeat page: %s", user_id, exc)
        return None
    for message in history["messages"]:
        if page_metadata(notice_id) == message.get("metadata"):
            return {"channel": channel, "ts": message["ts"]}
    return None


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
