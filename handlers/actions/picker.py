"""The open-incident picker offered outside incident channels: re-runs the command on it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.slack.card import PICK_PREFIX
from bot.slack.ids import Action
from handlers.commands import run, subcommands
from handlers.commands.registry import Invocation

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.services import Services


def register(app: AsyncApp, services: Services) -> None:
    table = {sub.name: sub for sub in subcommands()}

    @app.action(Action.PICK)
    async def incident_picked(
        ack: Any, body: dict, action: dict, respond: Any, client: Any
    ) -> None:
        await ack()
        chosen = (action.get("selected_option") or {}).get("value")
        name, _, args = action.get("block_id", "").removeprefix(PICK_PREFIX).partition(" ")
        sub = table.get(name)
        if not chosen or sub is None:
            return  # deselected, or not our picker: nothing to do

        invocation = Invocation(
            name=name,
            args=args,
            user_id=body["user"]["id"],
            channel_id=(body.get("channel") or body.get("container") or {}).get("id", ""),
            trigger_id=body.get("trigger_id", ""),
            respond=respond,
            client=client,
            services=services,
            body=body,
            chosen_incident=chosen,
        )
        await run(sub, invocation)
