"""``files.*`` (``files.uploadV2``'s first and last steps; the bytes go to ``/upload``) and
``canvases.*``: what the post-incident export makes."""

from __future__ import annotations

import json
from typing import Any

from emulator.slack import checks
from emulator.slack.checks import SlackError, require
from emulator.slack.methods.family import WorkspaceFamily, answers
from emulator.slack.workspace import BOT_USER


class Files(WorkspaceFamily):
    @answers("canvases.create")
    def create_canvas(self, args: dict[str, Any]) -> dict[str, Any]:
        content = args.get("document_content") or {}
        if content and content.get("type") != "markdown":
            raise SlackError("invalid_argument")
        canvas_id = self.workspace.new_id("F")
        self.workspace.canvases[canvas_id] = {
            "id": canvas_id,
            "title": args.get("title") or "Untitled",
            "markdown": content.get("markdown", ""),
            "channels": [],
        }
        return {"canvas_id": canvas_id}

    @answers("canvases.access.set")
    def set_canvas_access(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "canvas_id", "access_level")
        canvases = self.workspace.canvases
        if args["canvas_id"] not in canvases:
            raise SlackError("canvas_not_found")
        checks.canvas_access(args)
        listed = checks.listed(args.get("channel_ids"))
        channels = [self.workspace.channel(channel) for channel in listed]
        if any(channel.is_im for channel in channels):
            raise SlackError("invalid_arguments")  # "DMs ... will not be accepted"
        for user in checks.listed(args.get("user_ids")):
            self.workspace.user(user)
        canvases[args["canvas_id"]]["channels"].extend(channel.id for channel in channels)
        return {}

    @answers("files.getUploadURLExternal")
    def upload_url(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "filename", "length")
        file_id = self.workspace.new_id("F")
        self.workspace.files[file_id] = {"id": file_id, "name": args["filename"], "content": None}
        return {"upload_url": f"{self.workspace.base_url}/upload/{file_id}", "file_id": file_id}

    @answers("files.completeUploadExternal")
    def complete_upload(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "files")
        listed = args["files"]
        listed = json.loads(listed) if isinstance(listed, str) else listed
        completed = []
        for item in listed:
            uploaded = self.workspace.files.get(item.get("id", ""))
            if uploaded is None or uploaded["content"] is None:
                raise SlackError("file_not_found")
            uploaded["title"] = item.get("title") or uploaded["name"]
            completed.append({k: v for k, v in uploaded.items() if k != "content"})
        if args.get("channel_id"):
            fields = {"text": args.get("initial_comment", ""), "files": completed}
            self.workspace.post(self.workspace.channel(args["channel_id"]).id, BOT_USER, fields)
        return {"files": completed}
