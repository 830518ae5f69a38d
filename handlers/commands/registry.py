"""The ``/incident`` subcommands: what each is called, how it is used, and who handles it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.app import Services


@dataclass(frozen=True)
class Invocation:
    """One ``/incident <name> <args>`` as Slack delivered it."""

    name: str
    args: str
    user_id: str
    channel_id: str
    trigger_id: str
    respond: Callable[..., Awaitable[Any]]
    client: Any
    services: Services
    body: dict = field(repr=False)


Handler = Callable[[Invocation], Awaitable[None]]


@dataclass(frozen=True)
class Subcommand:
    name: str
    usage: str
    summary: str
    handler: Handler
