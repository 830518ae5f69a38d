"""Reading people and messages back from Slack."""

from __future__ import annotations

import logging
import time
from typing import Any
from weakref import WeakKeyDictionary

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.paging import page_metadata
from bot.slack.message_content import MessageContent, Names, read_content
from bot.timeline import SlackMessage

log = logging.getLogger(__name__)

TOMBSTONE = "tombstone"
NAME_SECONDS = 60.0
_names: WeakKeyDictionary[AsyncWebClient, dict[str, tuple[float, str]]] = WeakKeyDictionary()


async def display_name(slack: AsyncWebClient, user_id: str) -> str:
    """A person's name (``U…`` or Enterprise Grid ``W…`` id), for every path that names one;
    kept ``NAME_SECONDS``, so a storm of pages by one person asks Slack (Tier 4) once."""
    names = _names.setdefault(slack, {})
    known = names.get(user_id)
    if known is not None and known[0] > time.monotonic():
        return known[1]
    try:
        user = (await slack.users_info(user=user_id))["user"]
    except SlackApiError as exc:
        log.warning("cannot name the user %s: %s", user_id, exc)
        return user_id
    name = user.get("real_name") or user.get("name") or user_id
    names[user_id] = (time.monotonic() + NAME_SECONDS, name)
    return name


async def author_name(slack: AsyncWebClient, message: dict[str, Any]) -> str:
    """Who wrote a message: the person, or the app by its name (never its ``B…`` id)."""
    app = (message.get("bot_profile") or {}).get("name") or message.get("username")
    if isinstance(app, str) and app:
        return app
    if user := message.get("user"):
        return await display_name(slack, user)
    if bot_id := message.get("bot_id"):
        try:
            bot = (await slack.bots_info(bot=bot_id))["bot"]
        except SlackApiError as exc:
            log.warning("cannot name the app %s: %s", bot_id, exc)
            return "an app"
        return bot.get("name") or "an app"
    return "someone"


def names(slack: AsyncWebClient) -> Names:
    """Names of the people and channels one message mentions, each looked up once."""
    known: dict[str, str] = {}

    async def name_of(ref: str) -> str:
        if ref not in known:
            known[ref] = await _name(slack, ref)
        return known[ref]

    return name_of


async def _name(slack: AsyncWebClient, ref: str) -> str:
    if ref[:1] in ("U", "W"):
        return await display_name(slack, ref)
    if ref[:1] in ("C", "G"):
        try:
            name = (await slack.conversations_info(channel=ref))["channel"].get("name")
        except SlackApiError:
            return ref
        return name if isinstance(name, str) else ref
    return ref


async def message_content(slack: AsyncWebClient, message: dict[str, Any]) -> MessageContent:
    """What a message says, readable outside Slack (see ``bot.slack.message_content``)."""
    return await read_content(message, names(slack))


async def readable_text(slack: AsyncWebClient, text: str) -> str:
    """Slack-escaped text someone typed (a slash command's words), readable outside Slack."""
    return (await message_content(slack, {"text": text})).text


def is_tombstone(message: dict[str, Any]) -> bool:
    """Slack's stand-in for a deleted thread parent ("This message was deleted.")."""
    return message.get("subtype") == TOMBSTONE


async def find_message(slack: AsyncWebClient, channel_id: str, ts: str) -> dict[str, Any] | None:
    """The message at ``ts``, a thread reply included, whether ``conversations.replies``
    answers with the whole thread or with that message alone."""
    try:
        answer = await slack.conversations_replies(
            channel=channel_id, ts=ts, oldest=ts, latest=ts, inclusive=True
        )
    except SlackApiError as exc:
        log.warning("cannot read message %s in %s: %s", ts, channel_id, exc)
        return None
    return next((m for m in answer.get("messages") or [] if m.get("ts") == ts), None)


async def group_members(slack: AsyncWebClient, group_id: str) -> set[str]:
    """The members of a Slack user group (``SlackApiError`` when Slack will not say)."""
    answer = await slack.usergroups_users_list(usergroup=group_id)
    return set(answer.get("users") or [])


async def sent_page(slack: AsyncWebClient, user_id: str, notice_id: str) -> dict[str, str] | None:
    """The DM already carrying this page, if any (found by its metadata), as channel and ts."""
    try:
        channel = (await slack.conversations_open(users=user_id))["channel"]["id"]
        ts = await posted(slack, channel, page_metadata(notice_id))
    except SlackApiError as exc:
        log.warning("cannot read %s's DMs to avoid a repeat page: %s", user_id, exc)
        return None
    return {"channel": channel, "ts": ts} if ts else None


async def posted(slack: AsyncWebClient, channel_id: str, metadata: dict[str, Any]) -> str | None:
    """The ts of the bot's recent message in ``channel_id`` carrying ``metadata``, if any."""
    history = await slack.conversations_history(
        channel=channel_id, limit=200, include_all_metadata=True
    )
    return next((m["ts"] for m in history["messages"] if m.get("metadata") == metadata), None)


async def slack_message(
    slack: AsyncWebClient, channel_id: str, message: dict[str, Any]
) -> SlackMessage:
    """A message as the timeline records it: who wrote it, what, and a link back."""
    link = await slack.chat_getPermalink(channel=channel_id, message_ts=message["ts"])
    content = await message_content(slack, message)
    return SlackMessage(
        channel_id=channel_id,
        ts=message["ts"],
        author=await author_name(slack, message),
        text=content.text or "(a message with no text)",
        permalink=link["permalink"],
    )
