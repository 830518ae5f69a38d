"""``views.*``: modals opened (a trigger id used once, within its life), pushed and updated;
Home tabs published."""

from __future__ import annotations

from typing import Any

from emulator.slack import checks
from emulator.slack.checks import SlackError, require
from emulator.slack.methods.family import WorkspaceFamily, answers


class Views(WorkspaceFamily):
    @answers("views.open", "views.push")
    def open(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "trigger_id", "view")
        checks.view(args["view"])
        self.workspace.use_trigger(args["trigger_id"])
        return {"view": self.workspace.store_view(args["view"])}

    @answers("views.update")
    def update(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "view")
        views = self.workspace.views
        view_id = args.get("view_id") or next(
            (v["id"] for v in views.values() if v.get("external_id") == args.get("external_id")),
            None,
        )
        if view_id not in views:
            raise SlackError("not_found")
        if args.get("hash") and args["hash"] != views[view_id]["hash"]:
            raise SlackError("hash_conflict")
        return {"view": self.workspace.store_view(args["view"], view_id)}

    @answers("views.publish")
    def publish(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "user_id", "view")
        user = args["user_id"]
        self.workspace.user(user)
        view = self.workspace.store_view(args["view"], self.workspace.homes.get(user))
        self.workspace.homes[user] = view["id"]
        return {"view": view}
