"""``auth.test`` and ``apps.connections.open``: who the app is, and its Socket Mode connection."""

from __future__ import annotations

from typing import Any

from emulator.slack.methods.family import Method
from emulator.slack.socket_mode import SocketModeHub
from emulator.slack.workspace import BOT_ID, BOT_USER, TEAM


class Apps:
    def __init__(self, hub: SocketModeHub) -> None:
        self.hub = hub

    def methods(self) -> dict[str, Method]:
        return {"auth.test": self.auth_test, "apps.connections.open": self.connections_open}

    def connections_open(self, _: dict[str, Any]) -> dict[str, Any]:
        return {"url": self.hub.connection_url()}

    def auth_test(self, _: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": "https://fake.slack.local/",
            "team": "Fake Workspace",
            "team_id": TEAM,
            "user": "incident-bot",
            "user_id": BOT_USER,
            "bot_id": BOT_ID,
        }
