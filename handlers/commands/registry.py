"""The ``/incident`` subcommands: what each is called, how it is used, and who handles it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.permissions import Right

if TYPE_CHECKING:
    from bot.incidents.record import Incident
    from bot.services import Services


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
    chosen_incident: str | None = None  # an ARN picked from the open-incident picker

    async def incident(self, reference: str | None = None) -> Incident:
        """The incident named, else the one picked, else this channel's."""
        return await self.services.incidents.get(await self.incident_arn(reference))

    async def incident_arn(self, reference: str | None = None) -> str:
        """The same incident's ARN, found without AWS where the bot knows it."""
        return await self.services.incidents.target_arn(
            self.channel_id, reference or self.chosen_incident
        )


Handler = Callable[[Invocation], Awaitable[None]]


@dataclass(frozen=True)
class Subcommand:
    name: str
    usage: str
    summary: str
    handler: Handler
    right: Right | Callable[[str], Right] = Right.ANYONE  # the permission, or one per args
    names_incident: bool = False  # its argument is an incident id (``status [id]``)

    def right_for(self, args: str) -> Right:
        return self.right if isinstance(self.right, Right) else self.right(args)
