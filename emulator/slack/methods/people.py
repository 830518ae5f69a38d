"""``users.*``, ``usergroups.users.list`` and ``bots.info``: who is who in the workspace."""

from __future__ import annotations

from typing import Any

from emulator.slack.checks import SlackError, require
from emulator.slack.methods.family import Method
from emulator.slack.workspace import Workspace


class People:
    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    def methods(self) -> dict[str, Method]:
        return {
            "users.info": self.user_info,
            "users.lookupByEmail": self.lookup_by_email,
            "usergroups.users.list": self.usergroup_members,
            "bots.info": self.bot_info,
        }

    def user_info(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "user")
        return {"user": self.workspace.user(args["user"])}

    def bot_info(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "bot")
        if args["bot"] not in self.workspace.bots:
            raise SlackError("bot_not_found")
        return {"bot": self.workspace.bots[args["bot"]]}

    def lookup_by_email(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "email")
        for user in self.workspace.users.values():
            if (user["profile"].get("email") or "").lower() == args["email"].lower():
                return {"user": user}
        raise SlackError("users_not_found")

    def usergroup_members(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "usergroup")
        if args["usergroup"] not in self.workspace.usergroups:
            raise SlackError("no_such_subteam")
        return {"users": self.workspace.usergroups[args["usergroup"]]}
