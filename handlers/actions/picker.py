"""The open-incident picker offered outside incident channels: re-runs the command on it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.blocks.card import PICK_PREFIX
from bot.blocks.ids import Action
from bot.errors import InvalidInput
from bot.incidents.record import incident_reference
from handlers.actions.registry import Button, Press
from handlers.commands import run, subcommands
from handlers.commands.registry import Invocation, Subcommand
from handlers.who import decided_by

TABLE = {sub.name: sub for sub in subcommands()}


@dataclass(frozen=True)
class Picked:
    """The subcommand the picker was offered for, its arguments, and the incident chosen (the
    menu offers incidents by id: an ARN may not fit an option's value)."""

    sub: Subcommand
    args: str
    incident_arn: str


async def picked(press: Press) -> Picked:
    name, _, args = str(press.action.get("block_id", "")).removeprefix(PICK_PREFIX).partition(" ")
    sub = TABLE.get(name)
    if sub is None:
        raise InvalidInput("That picker is not one of mine: run the command again.")
    arn = await press.services.incidents.target_arn("", incident_reference(press.value))
    return Picked(sub, args, arn)


async def rerun(press: Press, chosen: Picked) -> None:
    invocation = Invocation(
        name=chosen.sub.name,
        args=chosen.args,
        user_id=press.user,
        channel_id=press.channel or (press.body.get("container") or {}).get("channel_id", ""),
        trigger_id=press.body.get("trigger_id", ""),
        respond=press.respond,
        client=press.client,
        services=press.services,
        body=press.body,
        chosen_incident=chosen.incident_arn,
    )
    await run(chosen.sub, invocation)


BUTTONS = [
    Button(
        Action.PICK,
        picked,
        decided_by("who may run the subcommand on the incident picked, as typed (its Right)"),
        rerun,
    )
]
