"""``/incident me``'s buttons: **Edit** opens the engagement plan form, **Activate** sends the
channel's code (SendActivationCode) and opens the form that takes it. Both act on the presser's
own contact, found from who pressed, never from the button."""

from __future__ import annotations

from bot.blocks.ids import MeAction
from bot.blocks.personal import CODE_TITLE, PLAN_TITLE, code_modal, plan_modal
from bot.contact_plans.personal import Mine
from bot.contacts import ContactChannel
from handlers.actions.registry import Button, Press
from handlers.who import anyone

OWN = anyone("anyone, on their own contact: the one linked to whoever presses")


async def mine(press: Press) -> Mine:
    return await press.services.personal_plans.mine(press.user)


async def plan_form(press: Press, own: Mine) -> dict:
    return plan_modal(own, press.channel or "")


async def own_channel(press: Press) -> ContactChannel:
    """The channel the button names, when it is one of the presser's own contact's."""
    return await press.services.personal_plans.own_channel(press.user, press.value)


async def code_sent(press: Press, channel: ContactChannel) -> dict:
    await press.services.personal_plans.send_code(press.user, channel)
    return code_modal(channel, press.channel or "")


BUTTONS = [
    Button(MeAction.EDIT, mine, OWN, plan_form, opens=PLAN_TITLE),
    Button(MeAction.ACTIVATE, own_channel, OWN, code_sent, opens=CODE_TITLE),
]
