"""The escalation plan's **Edit** button, and the edit form's buttons, menus and selects: each
re-renders the form from the draft the bot kept (``Forms``); nothing reaches AWS before Save.
A press in the form counts only from the person it was opened for, with the form's own
choices."""

from __future__ import annotations

from dataclasses import dataclass

from bot.blocks.ids import PlanAction
from bot.blocks.plan_form import (
    TITLE,
    PlanForm,
    changed,
    edit_form,
    plan_modal,
    read_form,
    stage_of,
    with_target,
)
from bot.contacts import Contact
from bot.errors import NotFound
from bot.slack.forms import Kept
from handlers.actions.registry import Button, Press
from handlers.forms import chosen_target
from handlers.who import decided_by, plan_editors

IN_THE_FORM = decided_by(
    "the person the form was opened for: Forms.read refuses anyone else (and Save checks "
    "again who may edit the plan)"
)


async def plan_pressed(press: Press) -> Contact:
    """The escalation plan the button names, as AWS holds it now."""
    return await press.services.plans.plan(press.value)


async def form_opened(press: Press, plan: Contact) -> dict:
    targets = [t.contact_arn for s in plan.stages for t in s.targets if t.contact_arn]
    members = await press.services.plans.members(targets)
    return edit_form(plan, members, press.channel or "")


@dataclass(frozen=True)
class Draft:
    """The form a press came from, as kept, and its draft with what was typed since."""

    kept: Kept
    form: PlanForm


async def draft_pressed(press: Press) -> Draft:
    view = press.body.get("view")
    kept = await press.services.forms.read(view, press.user, PlanAction.MODAL)
    return Draft(kept, read_form(kept.data, ((view or {}).get("state") or {}).get("values") or {}))


async def rerender(press: Press, draft: Draft, form: PlanForm) -> None:
    targets = [t.contact_arn for s in form.stages for t in s.targets if t.contact_arn]
    view = plan_modal(form, await press.services.plans.members(targets))
    await press.services.forms.replace(draft.kept, view, (press.body.get("view") or {}).get("hash"))


async def form_changed(press: Press, draft: Draft) -> None:
    """A stage moved or removed, a target removed, a stage added: values the form offers."""
    await rerender(press, draft, changed(draft.form, press.action["action_id"], press.value))


async def target_chosen(press: Press, draft: Draft) -> None:
    """A target chosen in a stage's menu: a contact AWS has, and not the plan itself."""
    stage = stage_of(draft.form, str(press.action.get("block_id", "")))
    arn = await chosen_target(press.services.plans, press.value)  # an option's value: its ARN
    if arn is None:
        raise NotFound("That target is not a contact AWS knows: choose one the menu offers.")
    contact = await press.services.plans.offerable(arn, draft.form.arn)
    await rerender(press, draft, with_target(draft.form, stage, contact.arn))


BUTTONS = [
    Button(PlanAction.EDIT, plan_pressed, plan_editors(), form_opened, opens=TITLE),
    Button(PlanAction.STAGE_MENU, draft_pressed, IN_THE_FORM, form_changed),
    Button(PlanAction.REMOVE_TARGET, draft_pressed, IN_THE_FORM, form_changed),
    Button(PlanAction.ADD_STAGE, draft_pressed, IN_THE_FORM, form_changed),
    Button(PlanAction.ADD_TARGET, draft_pressed, IN_THE_FORM, target_chosen),
]
