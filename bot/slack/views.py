"""Opening the incident forms, whose content needs AWS, within the 3 seconds a trigger_id
lives: a loading modal at once, filled in when AWS answers (``Forms.open``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.errors import InvalidInput
from bot.slack.modals import DECLARE_TITLE, UPDATE_TITLE, PlanChoice, declare_modal, update_modal

if TYPE_CHECKING:
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
