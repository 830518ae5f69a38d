"""Slack's Web API methods by family, each answering as Slack does (moto's ``responses``: the
arguments read and checked, the workspace asked, the answer shaped); ``methods_of`` is the one
table from a method's name to what answers it."""

from __future__ import annotations

from emulator.slack.methods.apps import Apps
from emulator.slack.methods.chat import Chat
from emulator.slack.methods.conversations import Conversations
from emulator.slack.methods.family import Family, Method
from emulator.slack.methods.files import Files
from emulator.slack.methods.people import People
from emulator.slack.methods.pins import Pins
from emulator.slack.methods.views import Views
from emulator.slack.socket_mode import SocketModeHub
from emulator.slack.workspace import Workspace


def methods_of(workspace: Workspace, hub: SocketModeHub) -> dict[str, Method]:
    """Every Web API method the local Slack answers, by its name (``chat.postMessage``)."""
    families: tuple[Family, ...] = (
        Apps(hub),
        Chat(workspace),
        Conversations(workspace),
        Views(workspace),
        People(workspace),
        Files(workspace),
        Pins(workspace),
    )
    table: dict[str, Method] = {}
    for family in families:
        named = family.methods()
        assert not table.keys() & named.keys(), f"answered twice: {table.keys() & named.keys()}"
        table |= named
    return table


__all__ = ["Method", "methods_of"]
