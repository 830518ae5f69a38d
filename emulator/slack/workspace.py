"""The state of the fake workspace and what it does: users, channels, messages, pins, views,
triggers, canvases and files (the model the Web API's methods in ``emulator.slack.methods``
act on)."""

from __future__ import annotations

import copy
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

from emulator.slack import checks
from emulator.slack.checks import SlackError

BOT_USER = "UBOT0INCIDENT"
BOT_ID = "BBOT0INCIDENT"
TEAM = "T0INCIDENT"
TRIGGER_LIFETIME = 3.0
TOMBSTONE_TEXT = "This message was deleted."


@dataclass
class Channel:
    id: str
    name: str
    members: set[str] = field(default_factory=set)
    is_im: bool = False
    is_private: bool = False
    is_archived: bool = False
    messages: list[dict[str, Any]] = field(default_factory=list)
    pins: list[str] = field(default_factory=list)

    def info(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "is_channel": not self.is_im,
            "is_im": self.is_im,
            "is_private": self.is_private,
            "is_archived": self.is_archived,
            "is_member": BOT_USER in self.members,
            "num_members": len(self.members),
        }


class Workspace:
    """Everything the fake Slack knows; methods raise ``SlackError`` as Slack would answer."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self._last_ts = 0
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, Channel] = {}
        self.triggers: dict[str, float] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self.ephemerals: list[dict[str, Any]] = []
        self.usergroups: dict[str, list[str]] = {}
        self.bots: dict[str, dict[str, Any]] = {}
        self.replies_answer = "thread"  # or "message": what conversations.replies gives for a reply
        self.homes: dict[str, str] = {}  # user → their Home tab's view id
        self.canvases: dict[str, dict[str, Any]] = {}  # canvas id → title, markdown, channels
        self.files: dict[str, dict[str, Any]] = {}  # file id → name, title, content (bytes)
        self.base_url = ""  # where it is served (its response and upload URLs start so)
        self.add_user("incident-bot", user_id=BOT_USER, is_bot=True)

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):08d}"

    def new_ts(self) -> str:
        """Slack's message id: the time in microseconds, strictly increasing."""
        self._last_ts = max(round(time.time() * 1_000_000), self._last_ts + 1)
        return f"{self._last_ts // 1_000_000}.{self._last_ts % 1_000_000:06d}"

    # -- people and places -------------------------------------------------
    def add_user(
        self,
        name: str,
        email: str | None = None,
        user_id: str | None = None,
        is_bot: bool = False,
        tz: str = "UTC",
    ) -> str:
        user_id = user_id or self.new_id("U")
        self.users[user_id] = {
            "id": user_id,
            "team_id": TEAM,
            "name": name,
            "real_name": name.title(),
            "is_bot": is_bot,
            "tz": tz,
            "profile": {"email": email, "real_name": name.title(), "display_name": name},
        }
        return user_id

    def add_bot(self, name: str, bot_id: str | None = None) -> str:
        """An app that posts without a bot user or profile (what ``bots.info`` names)."""
        bot_id = bot_id or self.new_id("B")
        self.bots[bot_id] = {"id": bot_id, "deleted": False, "name": name, "app_id": f"A{bot_id}"}
        return bot_id

    def add_usergroup(self, members: list[str]) -> str:
        group_id = self.new_id("S")
        self.usergroups[group_id] = list(members)
        return group_id

    def user(self, user_id: str) -> dict[str, Any]:
        if user_id not in self.users:
            raise SlackError("user_not_found")
        return self.users[user_id]

    def add_channel(
        self, name: str, members: tuple[str, ...] | list[str] = (), channel_id: str | None = None
    ) -> str:
        if any(channel.name == name for channel in self.channels.values()):
            raise SlackError("name_taken")
        channel = Channel(channel_id or self.new_id("C"), name, set(members))
        self.channels[channel.id] = channel
        return channel.id

    def channel(self, channel_id: str) -> Channel:
        if channel_id in self.users:
            return self.im(channel_id)
        if channel_id not in self.channels:
            raise SlackError("channel_not_found")
        return self.channels[channel_id]

    def im(self, user_id: str) -> Channel:
        self.user(user_id)
        for channel in self.channels.values():
            if channel.is_im and channel.members == {BOT_USER, user_id}:
                return channel
        channel = Channel(self.new_id("D"), user_id, {BOT_USER, user_id}, is_im=True)
        self.channels[channel.id] = channel
        return channel

    def channel_by_name(self, name: str) -> Channel | None:
        return next((c for c in self.channels.values() if c.name == name and not c.is_im), None)

    # -- messages ----------------------------------------------------------
    def post(self, channel_id: str, user: str, fields: dict[str, Any]) -> dict[str, Any]:
        channel = self.channel(channel_id)
        if user == BOT_USER and not channel.is_im and BOT_USER not in channel.members:
            raise SlackError("not_in_channel")
        if channel.is_archived:
            raise SlackError("is_archived")
        if channel.is_im and any(self.users[m]["is_bot"] for m in channel.members - {BOT_USER}):
            raise SlackError("cannot_dm_bot")
        message = {"type": "message", "user": user, "ts": self.new_ts(), "team": TEAM, **fields}
        if user == BOT_USER:
            message["bot_id"] = BOT_ID
        channel.messages.append(message)
        return message

    def post_shape(
        self, channel_id: str, shape: dict[str, Any], thread_ts: str | None = None
    ) -> str:
        """A message of any shape Slack delivers (an app's blocks, a file share, a bot message)
        appears in a channel as written, with a fresh ts."""
        message = {**copy.deepcopy(shape), "ts": self.new_ts()}
        if thread_ts:
            message["thread_ts"] = thread_ts
        self.channel(channel_id).messages.append(message)
        return message["ts"]

    def tombstone(self, channel_id: str, ts: str) -> dict[str, Any]:
        """A thread parent is deleted: Slack keeps a tombstone in its place, returned here."""
        message = self.message(channel_id, ts)
        kept = {
            k: message[k] for k in ("ts", "thread_ts", "reply_count", "replies") if k in message
        }
        message.clear()
        message.update(
            {"type": "message", "subtype": "tombstone", "text": TOMBSTONE_TEXT, "user": "USLACKBOT"}
        )
        message.update({"hidden": True, **kept})
        return copy.deepcopy(message)

    def user_posts(
        self, channel_id: str, user_id: str, text: str, thread_ts: str | None = None
    ) -> str:
        """A person writes in a channel (the bot is not the author)."""
        fields: dict[str, Any] = {"text": text}
        if thread_ts:
            fields["thread_ts"] = thread_ts
        self.channel(channel_id).members.add(user_id)
        return self.post(channel_id, user_id, fields)["ts"]

    def permalink(self, channel_id: str, ts: str) -> str:
        """The message's permalink, as ``chat.getPermalink`` gives it."""
        channel = self.channel(channel_id)
        self.message(channel.id, ts)
        return f"https://fake.slack.local/archives/{channel.id}/p{ts.replace('.', '')}"

    def response_url(self, channel_id: str, user_id: str) -> str:
        return f"{self.base_url}/response/{channel_id}/{user_id}"

    def message(self, channel_id: str, ts: str) -> dict[str, Any]:
        for message in self.channel(channel_id).messages:
            if message["ts"] == ts:
                return message
        raise SlackError("message_not_found")

    def issue_trigger(self) -> str:
        trigger = f"{next(self._ids)}.{int(time.time())}.{self.new_id('trig')}"
        self.triggers[trigger] = time.monotonic()
        return trigger

    def use_trigger(self, trigger_id: str) -> None:
        issued = self.triggers.pop(trigger_id, None)
        if issued is None or time.monotonic() - issued > TRIGGER_LIFETIME:
            raise SlackError("expired_trigger_id")

    # -- views ---------------------------------------------------------------
    def store_view(self, raw: dict[str, Any], view_id: str | None = None) -> dict[str, Any]:
        """A view as Slack keeps it once opened, pushed, updated or published."""
        view = {
            **checks.view(raw),
            "id": view_id or self.new_id("V"),
            "hash": self.new_ts(),
            "team_id": TEAM,
            "app_id": "AINCIDENT",
            "bot_id": BOT_ID,
            "state": {"values": {}},
        }
        self.views[view["id"]] = view
        return view

    def home(self, user_id: str) -> dict[str, Any] | None:
        """The Home tab ``user_id`` sees now, if the app published one."""
        view_id = self.homes.get(user_id)
        return self.views[view_id] if view_id else None
