"""What a family of Web API methods is: functions, each marked with the names of the methods it
answers (``@answers("chat.postMessage")``), read into one table by ``methods``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from emulator.slack.workspace import Workspace

Method = Callable[[dict[str, Any]], dict[str, Any]]  # the arguments → the answer (``ok`` aside)
F = TypeVar("F", bound=Callable[..., dict[str, Any]])

_NAMES = "slack_methods"


def answers(*names: str) -> Callable[[F], F]:
    """Marks a family's function as what answers the Web API methods ``names``."""

    def mark(function: F) -> F:
        setattr(function, _NAMES, names)
        return function

    return mark


class Family:
    """A family of Web API methods: its functions marked with ``answers``."""

    def methods(self) -> dict[str, Method]:
        """The methods it answers, by Slack's name for each."""
        return {
            name: getattr(self, attribute)
            for attribute, member in vars(type(self)).items()
            for name in getattr(member, _NAMES, ())
        }


class WorkspaceFamily(Family):
    """A family that answers from the workspace's state."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace


def message_fields(args: dict[str, Any]) -> dict[str, Any]:
    """What of a message's arguments a posted message keeps."""
    kept = ("text", "markdown_text", "blocks", "thread_ts", "attachments")
    return {key: args[key] for key in kept if key in args}
