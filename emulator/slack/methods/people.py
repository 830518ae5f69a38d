"""``users.*``, ``usergroups.users.list`` and ``bots.info``: who is who in the workspace."""

from __future__ import annotations

from typing import Any

from emulator.slack.checks import SlackError, require
from emulator.slack.methods.family import WorkspaceFamily, answers


class People(WorkspaceFamily):
    @answers("users.info")
    def user_info(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "user")
        return {"user": self.workspace.user(args["user"])}

    @answers("bots.info")
    def bot_info(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "bot")
        if args["bot"] not in self.workspace.bots:
            raise SlackError("bot_not_found")
        return {"bot": self.workspace.bots[args["bot"]]}

    @answers("users.lookupByEmail")
    def lookup_by_email(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "email")
        for user in self.workspace.users.values():
            if (user["profile"].get("email") or "").lower() == args["email"].lower():
                return {"user": user}
        raise SlackError("users_not_found")

    @answers("usergroups.users.list")
    def usergroup_members(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "usergroup")
        if args["usergroup"] not in self.workspace.usergroups:
            raise SlackError("no_such_subteam")
        return {"users": self.workspace.usergroups[args["usergroup"]]}
