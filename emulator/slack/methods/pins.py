"""``pins.*`` and ``reactions.add``: what the bot marks on a message."""

from __future__ import annotations

from typing import Any

from emulator.slack.checks import SlackError, require
from emulator.slack.methods.family import WorkspaceFamily, answers
from emulator.slack.workspace import BOT_USER


class Pins(WorkspaceFamily):
    @answers("pins.add")
    def pin(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "channel", "timestamp")
        channel = self.workspace.channel(args["channel"])
        self.workspace.message(channel.id, args["timestamp"])
        if args["timestamp"] in channel.pins:
            raise SlackError("already_pinned")
        channel.pins.append(args["timestamp"])
        return {}

    @answers("pins.list")
    def pins(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "channel")
        channel = self.workspace.channel(args["channel"])
        pinned = [self.workspace.message(channel.id, ts) for ts in channel.pins]
        return {"items": [{"type": "message", "message": message} for message in pinned]}

    @answers("reactions.add")
    def react(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "channel", "timestamp", "name")
        channel = self.workspace.channel(args["channel"])
        message = self.workspace.message(channel.id, args["timestamp"])
        reactions = message.setdefault("reactions", [])
        if any(r["name"] == args["name"] and BOT_USER in r["users"] for r in reactions):
            raise SlackError("already_reacted")
        reactions.append({"name": args["name"], "users": [BOT_USER], "count": 1})
        return {}
