"""``auth.test`` and ``apps.connections.open``: who the app is, and its Socket Mode connection."""

from __future__ import annotations

from typing import Any

from emulator.slack.methods.family import Family, answers
from emulator.slack.socket_mode import SocketModeHub
from emulator.slack.workspace import BOT_ID, BOT_USER, TEAM


class Apps(Family):
    def __init__(self, hub: SocketModeHub) -> None:
        self.hub = hub

    @answers("apps.connections.open")
    def connections_open(self, _: dict[str, Any]) -> dict[str, Any]:
        return {"url": self.hub.connection_url()}

    @answers("auth.test")
    def auth_test(self, _: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": "https://fake.slack.local/",
            "team": "Fake Workspace",
            "team_id": TEAM,
            "user": "incident-bot",
            "user_id": BOT_USER,
            "bot_id": BOT_ID,
        }
