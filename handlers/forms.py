"""Opening the forms whose content needs AWS within the 3 seconds a trigger_id lives (a
loading modal at once, filled in when AWS answers: ``Forms.open``), and reading back the
options too long for Slack's option values, which a form carries as digests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.blocks.fit import SELECT_OPTIONS, chosen, in_clear
from bot.blocks.modals import DECLARE_TITLE, UPDATE_TITLE, PlanChoice, declare_modal, update_modal
from bot.blocks.plan_form import TITLE, edit_form
from bot.errors import InvalidInput

if TYPE_CHECKING:
    from bot.contact_plans.escalation import EscalationPlans
    from bot.incidents.service import IncidentService
    from bot.slack.forms import Forms


async def open_declare_form(
    forms: Forms,
    trigger_id: str,
    user_id: str,
    incidents: IncidentService,
    default_plan: str | None,
    title: str,
    summary: str,
    origin_channel: str,
) -> None:
    """The declare form, filled with the response plans AWS lists."""

    async def build() -> dict:
        plans = await incidents.response_plans()
        if not plans:
            raise InvalidInput(
                "Incident Manager has no response plan in this region yet. Create one in the "
                "AWS console (Incident Manager → Response plans), then declare again."
            )
        return declare_modal(
            title,
            summary,
            [PlanChoice(p.arn, p.name, p.display_name) for p in plans],
            default_plan,
            {"channel": origin_channel},
        )

    await forms.open(trigger_id, user_id, DECLARE_TITLE, build)


async def open_update_form(
    forms: Forms, trigger_id: str, user_id: str, incidents: IncidentService, arn: str
) -> None:
    """The update form, prefilled with the record AWS returns."""

    async def build() -> dict:
        return update_modal(await incidents.get(arn))

    await forms.open(trigger_id, user_id, UPDATE_TITLE, build)


async def chosen_plan(incidents: IncidentService, value: str) -> str:
    """The response plan's ARN a declare form's choice stands for: the value itself, or (an
    ARN too long for an option's value) the listed plan it is the digest of."""
    if in_clear(value) == value:
        return value
    arn = chosen(value, [plan.arn for plan in await incidents.response_plans()])
    if arn is None:
        raise InvalidInput(
            "The response plan you chose is no longer in Incident Manager: declare again and "
            "choose another."
        )
    return arn


async def chosen_target(plans: EscalationPlans, value: str) -> str | None:
    """The contact's ARN an "add a target" option stands for (``option_for``): the value
    itself, or the contact found by the alias its value starts with."""
    if in_clear(value) == value:
        return value
    alias = in_clear(value).rsplit("/", 1)[-1]
    return chosen(value, [contact.arn for contact in await plans.search(alias, SELECT_OPTIONS)])


async def plan_form_view(plans: EscalationPlans, user_id: str, alias: str, channel: str) -> dict:
    """The edit form of the plan ``alias`` names, once ``user_id`` may edit it."""
    plan = await plans.plan(alias)
    await plans.require_editor(user_id, plan)
    targets = [t.contact_arn for s in plan.stages for t in s.targets if t.contact_arn]
    return edit_form(plan, await plans.members(targets), channel)


async def open_plan_form(
    forms: Forms, plans: EscalationPlans, trigger_id: str, user_id: str, alias: str, channel: str
) -> None:
    """The edit form for a plan the person may edit (else why not, in the modal)."""
    await forms.open(
        trigger_id, user_id, TITLE, lambda: plan_form_view(plans, user_id, alias, channel)
    )
