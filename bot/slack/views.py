"""Opening the incident forms, whose content needs AWS, within the 3 seconds a trigger_id
lives: a loading modal at once, filled in when AWS answers."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import DomainError, InvalidInput
from bot.slack.blocks import error_text
from bot.slack.modals import (
    DECLARE_TITLE,
    LOADING,
    UPDATE_TITLE,
    PlanChoice,
    declare_modal,
    message_modal,
    update_modal,
)

if TYPE_CHECKING:
    from bot.incidents.service import IncidentService

log = logging.getLogger(__name__)


async def open_modal(
    slack: AsyncWebClient, trigger_id: str, title: str, build: Callable[[], Awaitable[dict]]
) -> None:
    """Open a loading modal at once, then replace it with what ``build`` makes, however long
    AWS takes; a domain error ``build`` raises is shown in the modal instead."""
    opened = (await slack.views_open(trigger_id=trigger_id, view=message_modal(title, LOADING)))[
        "view"
    ]
    try:
        view = await build()
    except DomainError as error:
        view = message_modal(title, error_text(error.message))
    try:
        await slack.views_update(view_id=opened["id"], hash=opened["hash"], view=view)
    except SlackApiError as exc:  # closed while loading: nobody is waiting for it
        log.info("modal %s was not filled: %s", opened["id"], exc.response.get("error"))


async def open_declare_form(
    slack: AsyncWebClient,
    trigger_id: str,
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

    await open_modal(slack, trigger_id, DECLARE_TITLE, build)


async def open_update_form(
    slack: AsyncWebClient, trigger_id: str, incidents: IncidentService, arn: str
) -> None:
    """The update form, prefilled with the record AWS returns."""

    async def build() -> dict:
        return update_modal(await incidents.get(arn))

    await open_modal(slack, trigger_id, UPDATE_TITLE, build)
