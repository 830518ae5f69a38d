"""On-call buttons: **Remove** on the overrides list, **Cover for me** on the hand-off DM and
**I'll cover** on the request it posts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.oncall.times import slack_date
from bot.slack.ids import OncallAction
from handlers.replies import pressed_by, reply

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.services import Services


def register(app: AsyncApp, services: Services) -> None:
    @app.action(OncallAction.REMOVE_OVERRIDE)
    async def remove_override(ack: Any, body: dict, action: dict) -> None:
        await ack()
        user, channel = pressed_by(body)

        async def removed() -> str:
            rotation_id, _, override_id = action["value"].partition("|")
            override = await services.covers.remove(rotation_id, override_id, user)
            return (
                f":wastebasket: Override removed: the rotation's own people are on call again "
                f"from {slack_date(override.start)} to {slack_date(override.end)}."
            )

        await reply(services.slack, user, channel, removed(), "Nothing was removed: ")

    @app.action(OncallAction.COVER_FOR_ME)
    async def cover_for_me(ack: Any, body: dict, action: dict) -> None:
        await ack()
        user, channel = pressed_by(body)
        asked = services.cover_requests.ask(action["value"], user)
        await reply(services.slack, user, channel, asked, "Nobody was asked: ")

    @app.action(OncallAction.WILL_COVER)
    async def will_cover(ack: Any, body: dict, action: dict) -> None:
        await ack()
        user, channel = pressed_by(body)

        async def taken() -> None:
            await services.cover_requests.take(action["value"], user)

        await reply(services.slack, user, channel, taken())
