"""On-call buttons: **Remove** on the overrides list, **Cover for me** on the hand-off DM and
**I'll cover** on the request it posts. Their services re-read what the value names (the
override from AWS, the hand-off and the request from the store) and decide who may."""

from __future__ import annotations

from bot.blocks.ids import OncallAction
from bot.oncall.times import slack_date
from handlers.actions.registry import Button, Press
from handlers.who import anyone, decided_by


async def claimed(press: Press) -> str:
    """The value as the button claims it: the service that acts re-derives what it names."""
    return press.value


async def removed(press: Press, value: str) -> str:
    rotation_id, _, override_id = value.partition("|")
    override = await press.services.covers.remove(rotation_id, override_id, press.user)
    return (
        f":wastebasket: Override removed: the rotation's own people are on call again "
        f"from {slack_date(override.start)} to {slack_date(override.end)}."
    )


async def asked(press: Press, handoff_key: str) -> str:
    return await press.services.cover_requests.ask(handoff_key, press.user)


async def taken(press: Press, request_id: str) -> None:
    await press.services.cover_requests.take(request_id, press.user)


BUTTONS = [
    Button(
        OncallAction.REMOVE_OVERRIDE,
        claimed,
        decided_by(
            "the override's own people, responders and admins: Covers.remove re-reads the "
            "override from AWS and decides"
        ),
        removed,
        failed="Nothing was removed: ",
    ),
    Button(
        OncallAction.COVER_FOR_ME,
        claimed,
        decided_by("the hand-off's own person: CoverRequests.ask re-reads the hand-off"),
        asked,
        failed="Nobody was asked: ",
    ),
    Button(
        OncallAction.WILL_COVER,
        claimed,
        anyone("anyone but the requester: pressing is consent to cover the requested shift"),
        taken,
    ),
]
