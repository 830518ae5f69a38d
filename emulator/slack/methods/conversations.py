"""``conversations.*``: channels created, joined, listed, read, archived; people invited; DMs
opened."""

from __future__ import annotations

from typing import Any

from emulator.slack import checks, limits
from emulator.slack.checks import SlackError, require
from emulator.slack.methods.family import WorkspaceFamily, answers
from emulator.slack.workspace import BOT_USER


class Conversations(WorkspaceFamily):
    @answers("conversations.create")
    def create(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "name")
        checks.channel_name(args["name"])
        channel_id = self.workspace.add_channel(args["name"], members=[BOT_USER])
        return {"channel": self.workspace.channels[channel_id].info()}

    @answers("conversations.invite")
    def invite(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "channel")
        channel = self.workspace.channel(args["channel"])
        if BOT_USER not in channel.members:
            raise SlackError("not_in_channel")
        users = checks.listed(args.get("users"))
        if not users:
            raise SlackError("no_user")
        if len(users) > limits.INVITE_USERS:
            raise SlackError("invalid_arguments")
        for user in users:  # one refused invitation: nobody is invited (the method's page)
            self.workspace.user(user)
            if user == BOT_USER:
                raise SlackError("cant_invite_self")
            if user in channel.members:
                raise SlackError("already_in_channel")
        channel.members.update(users)
        return {"channel": channel.info()}

    @answers("conversations.join")
    def join(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "channel")
        channel = self.workspace.channel(args["channel"])
        channel.members.add(BOT_USER)
        return {"channel": channel.info()}

    @answers("conversations.list")
    def list(self, _: dict[str, Any]) -> dict[str, Any]:
        channels = [c.info() for c in self.workspace.channels.values() if not c.is_im]
        return {"channels": channels, "response_metadata": {"next_cursor": ""}}

    @answers("conversations.info")
    def info(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "channel")
        return {"channel": self.workspace.channel(args["channel"]).info()}

    @answers("conversations.members")
    def members(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "channel")
        return {"members": sorted(self.workspace.channel(args["channel"]).members)}

    @answers("conversations.history")
    def history(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "channel")
        channel = self.workspace.channel(args["channel"])
        messages = list(reversed(channel.messages))
        if str(args.get("include_all_metadata")).lower() not in ("true", "1"):
            messages = [{k: v for k, v in m.items() if k != "metadata"} for m in messages]
        return {"messages": messages, "has_more": False}

    @answers("conversations.replies")
    def replies(self, args: dict[str, Any]) -> dict[str, Any]:
        """The thread of ``ts``, parent first. Asked for a reply, Slack answers with the whole
        thread (as documented) or, as has been seen, with that reply alone: ``replies_answer``
        picks. ``oldest``/``latest`` (``inclusive``) narrow the replies, never the parent."""
        require(args, "channel", "ts")
        channel = self.workspace.channel(args["channel"])
        asked = next((m for m in channel.messages if m["ts"] == args["ts"]), None)
        if asked is None:
            raise SlackError("thread_not_found")
        reply = asked.get("thread_ts", asked["ts"]) != asked["ts"]
        if self.workspace.replies_answer == "message" and reply:
            return {"messages": [asked], "has_more": False}
        root = asked.get("thread_ts") or asked["ts"]
        thread = [m for m in channel.messages if root in (m["ts"], m.get("thread_ts"))]
        replies = [m for m in thread[1:] if _within(m["ts"], args)]
        limit = int(args.get("limit") or 1000)
        return {"messages": (thread[:1] + replies)[:limit], "has_more": False}

    @answers("conversations.archive")
    def archive(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "channel")
        channel = self.workspace.channel(args["channel"])
        if channel.is_im:
            raise SlackError("method_not_supported_for_channel_type")
        if BOT_USER not in channel.members:
            raise SlackError("not_in_channel")
        if channel.is_archived:
            raise SlackError("already_archived")
        channel.is_archived = True
        return {}

    @answers("conversations.open")
    def open(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "users")
        return {"channel": self.workspace.im(str(args["users"]).split(",")[0]).info()}


def _within(ts: str, args: dict[str, Any]) -> bool:
    """Whether ``ts`` lies between ``oldest`` and ``latest`` as Slack reads them."""
    inclusive = str(args.get("inclusive")).lower() in ("true", "1")
    after, before = float(args.get("oldest") or 0), float(args.get("latest") or "inf")
    if inclusive:
        return after <= float(ts) <= before
    return after < float(ts) < before
