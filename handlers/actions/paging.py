"""The page message's buttons: Acknowledge, Escalate now, Page again."""

from __future__ import annotations

from bot.blocks.ids import PagingAction
from bot.escalation import rows
from bot.store.schema import Escalation
from bot.vocabulary import Acknowledgement
from handlers.actions.registry import Button, Press
from handlers.audit import audit
from handlers.commands.paging import stage_said
from handlers.who import changers, decided_by


async def pressed_page(press: Press) -> str:
    """The page notice the button names: Acknowledging re-reads it from the store."""
    return press.value


async def acknowledged(press: Press, notice_id: str) -> str | None:
    services = press.services
    outcome = await services.acknowledgements.acknowledge(notice_id, press.user)
    if (press.body.get("view") or {}).get("type") == "home":  # pressed on the Home tab
        await services.home.publish(press.user)
    if outcome is Acknowledgement.ALREADY:
        return "This page was already acknowledged."
    return None


async def escalation_pressed(press: Press) -> Escalation:
    """The escalation the button names, as the store holds it (its incident included)."""
    return await rows.escalation(press.services.database, press.value)


async def escalated(press: Press, escalation: Escalation) -> str:
    services = press.services
    moved = await services.escalations.escalate_now(escalation.id)
    if moved:
        what = "Escalated to the next stage"
        await audit(services, press.user, escalation.incident_arn, what, press.request)
    return "Escalated to the next stage." if moved else "The next stage already began."


async def paged_again(press: Press, escalation: Escalation) -> str | None:
    services = press.services
    started = await services.escalations.page_again(escalation.id, press.user)
    await audit(services, press.user, escalation.incident_arn, "Paged again", press.request)
    return stage_said(started).strip() or None


BUTTONS = [
    Button(
        PagingAction.ACKNOWLEDGE,
        pressed_page,
        decided_by(
            "the person paged, RESPONDER_USER_IDS or RESPONDER_GROUP: Acknowledging re-reads "
            "the page from the store and decides"
        ),
        acknowledged,
    ),
    Button(PagingAction.ESCALATE_NOW, escalation_pressed, changers("escalate"), escalated),
    Button(PagingAction.PAGE_AGAIN, escalation_pressed, changers("page again"), paged_again),
]
