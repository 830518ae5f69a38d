"""``chat.*``: messages posted, answered ephemerally, updated and deleted; their permalinks."""

from __future__ import annotations

from typing import Any

from emulator.slack import checks
from emulator.slack.checks import SlackError, require
from emulator.slack.methods.family import WorkspaceFamily, answers, message_fields
from emulator.slack.workspace import BOT_USER


class Chat(WorkspaceFamily):
    @answers("chat.postMessage")
    def post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "channel")
        warnings = checks.message_content(args, "chat.postMessage")
        channel = self.workspace.channel(args["channel"])
        if args.get("thread_ts"):
            self.workspace.message(channel.id, args["thread_ts"])
        fields = message_fields(args)
        if "metadata" in args:
            fields["metadata"] = args["metadata"]
        message = self.workspace.post(channel.id, BOT_USER, fields)
        answer = {"channel": channel.id, "ts": message["ts"], "message": message}
        return {**answer, **checks.warned(warnings)}

    @answers("chat.postEphemeral")
    def post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "channel", "user")
        warnings = checks.message_content(args, "chat.postEphemeral")
        channel = self.workspace.channel(args["channel"])
        self.workspace.user(args["user"])
        ts = self.workspace.new_ts()
        self.workspace.ephemerals.append(
            {"channel": channel.id, "user": args["user"], "ts": ts, **message_fields(args)}
        )
        return {"message_ts": ts, **checks.warned(warnings)}

    @answers("chat.update")
    def update(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "channel", "ts")
        checks.message_content(args, "chat.update")
        channel = self.workspace.channel(args["channel"])
        message = self.workspace.message(channel.id, args["ts"])
        if message.get("user") != BOT_USER:
            raise SlackError("cant_update_message")
        message.update(message_fields(args))
        message["edited"] = {"user": BOT_USER, "ts": self.workspace.new_ts()}
        return {"channel": channel.id, "ts": message["ts"], "text": message.get("text", "")}

    @answers("chat.delete")
    def delete(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "channel", "ts")
        channel = self.workspace.channel(args["channel"])
        message = self.workspace.message(channel.id, args["ts"])
        if message.get("user") != BOT_USER:
            raise SlackError("cant_delete_message")
        channel.messages.remove(message)
        return {"channel": channel.id, "ts": args["ts"]}

    @answers("chat.getPermalink")
    def get_permalink(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "channel", "message_ts")
        channel = self.workspace.channel(args["channel"])
        return {
            "channel": channel.id,
            "permalink": self.workspace.permalink(channel.id, args["message_ts"]),
        }
