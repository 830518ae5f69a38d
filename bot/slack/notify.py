"""Telling one person something privately, wherever Slack lets us."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.common import error_text

log = logging.getLogger(__name__)


async def tell(
    slack: AsyncWebClient,
    user_id: str,
    channel_id: str | None,
    text: str,
    blocks: list[dict[str, Any]] | None = None,
) -> None:
    """An ephemeral in ``channel_id`` when the bot can post there, else a direct message."""
    if channel_id:
        try:
            await slack.chat_postEphemeral(
                channel=channel_id, user=user_id, text=text, blocks=blocks
            )
            return
        except SlackApiError:
            pass
    await slack.chat_postMessage(channel=user_id, text=text, blocks=blocks)


async def warn(slack: AsyncWebClient, user_id: str, channel_id: str | None, message: str) -> None:
    await tell(slack, user_id, channel_id, error_text(message))


async def say(slack: AsyncWebClient, channel_id: str | None, text: str) -> None:
    """A message in an incident's channel, if it has one; a refusal is logged, not raised, so
    the paging around it goes on."""
    if not channel_id:
        return
    try:
        await slack.chat_postMessage(channel=channel_id, text=text)
    except SlackApiError as exc:
        log.error("could not post in %s: %s (%s)", channel_id, exc.response.get("error"), text)
