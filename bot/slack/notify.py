"""Telling one person something privately, wherever Slack lets us."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.blocks import error_text


async def tell(slack: AsyncWebClient, user_id: str, channel_id: str | None, text: str) -> None:
    """An ephemeral in ``channel_id`` when the bot can post there, else a direct message."""
    if channel_id:
        try:
            await slack.chat_postEphemeral(channel=channel_id, user=user_id, text=text)
            return
        except SlackApiError:
            pass
    await slack.chat_postMessage(channel=user_id, text=text)


async def warn(slack: AsyncWebClient, user_id: str, channel_id: str | None, message: str) -> None:
    await tell(slack, user_id, channel_id, error_text(message))
