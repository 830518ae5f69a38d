"""What a family of Web API methods is: a table of the methods it answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

Method = Callable[[dict[str, Any]], dict[str, Any]]  # the arguments → the answer (``ok`` aside)


class Family(Protocol):
    def methods(self) -> dict[str, Method]:
        """The methods it answers, by Slack's name for each."""
        ...


def message_fields(args: dict[str, Any]) -> dict[str, Any]:
    """What of a message's arguments a posted message keeps."""
    kept = ("text", "markdown_text", "blocks", "thread_ts", "attachments")
    return {key: args[key] for key in kept if key in args}
