"""The status update form: opened by ``/incident post-update``, the card's button or a reminder;
its submission posts the update."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from bot.errors import DomainError
from bot.incidents.record import OPEN, RESOLVED, parse_impact
from bot.incidents.status_updates import StatusUpdate
from bot.permissions import Right
from bot.slack.ids import Action, Block, Callback
from bot.slack.modals import submitted
from bot.slack.routine_blocks import UPDATE_FORM_TITLE, check_what, status_update_modal
from bot.slack.views import open_modal
from bot.tokens import client_token
from handlers.audit import audit
from handlers.replies import reply

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.services import Services


async def open_status_update_form(services: Services, trigger_id: str, arn: str) -> None:
    """The form, prefilled with the incident's status and impact and its usual interval."""

    async def build() -> dict:
        incident = await services.incidents.get(arn)
        minutes = services.status_updates.minutes_for(incident.impact)
        return status_update_modal(incident, minutes)

    await open_modal(services.slack, trigger_id, UPDATE_FORM_TITLE, build)


def _status_update(view: dict) -> tuple[StatusUpdate | None, dict[str, str]]:
    """The submitted update, or Slack's inline errors for its fields."""
    errors: dict[str, str] = {}
    status = submitted(view, Block.STATUS, Action.STATUS)
    if status not in (OPEN, RESOLVED):
        errors[Block.STATUS] = "Choose Open or Resolved."
    impact = 0
    try:
        impact = parse_impact(submitted(view, Block.IMPACT, Action.IMPACT) or "")
    except DomainError as error:
        errors[Block.IMPACT] = error.message
    what = ""
    try:
        what = check_what(submitted(view, Block.WHAT, Action.WHAT) or "")
    except DomainError as error:
        errors[Block.WHAT] = error.message
    minutes_text = submitted(view, Block.NEXT_UPDATE, Action.NEXT_UPDATE)
    minutes = None
    if minutes_text:
        try:
            minutes = float(minutes_text)
        except ValueError:
            minutes = 0.0
        if not 1 <= minutes <= 1440:
            errors[Block.NEXT_UPDATE] = "Give minutes from 1 to 1440, or leave it empty."
    if errors:
        return None, errors
    arn = json.loads(view["private_metadata"])["arn"]
    return StatusUpdate(arn, str(status), impact, what, minutes), {}


def register(app: AsyncApp, services: Services) -> None:
    @app.view(Callback.STATUS_UPDATE_MODAL)
    async def status_update_submitted(ack: Any, body: dict, view: dict) -> None:
        posted, errors = _status_update(view)
        if posted is None:
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        user = body["user"]["id"]
        channel = await services.incidents.channel_of(posted.arn)
        request = view["id"] + view.get("hash", "")

        async def done() -> None:
            await services.permissions.require(user, Right.CHANGE, posted.arn, "post updates")
            before = await services.incidents.get(posted.arn)
            after = await services.status_updates.post(
                posted, user, client_token("status", request)
            )
            await audit(services, user, posted.arn, "Status update posted", request)
            if before.is_open and not after.is_open:
                await services.exports.offer(posted.arn)

        await reply(services.slack, user, channel, done(), failed="The update was not posted: ")
