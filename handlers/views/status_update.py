"""The status update form: opened by ``/incident post-update``, the card's button or a reminder;
its submission posts the update."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.blocks.ids import Action, Block, Callback
from bot.blocks.modals import submitted
from bot.blocks.routine import (
    NEXT_UPDATE_MOST_MINUTES,
    UPDATE_FORM_TITLE,
    check_what,
    status_update_modal,
)
from bot.errors import DomainError
from bot.incidents.record import OPEN, RESOLVED, parse_impact
from bot.incidents.status_updates import StatusUpdate
from bot.numbers import BadNumber, whole_number
from bot.tokens import client_token
from handlers.audit import audit
from handlers.views.incident import incident_channel
from handlers.views.registry import Form, Submission
from handlers.who import OnIncident, changers

if TYPE_CHECKING:
    from bot.services import Services


async def open_status_update_form(
    services: Services, trigger_id: str, user_id: str, arn: str
) -> None:
    """The form, prefilled with the incident's status and impact and its usual interval."""

    async def build() -> dict:
        incident = await services.incidents.get(arn)
        minutes = services.status_updates.minutes_for(incident.impact)
        return status_update_modal(incident, minutes)

    await services.forms.open(trigger_id, user_id, UPDATE_FORM_TITLE, build)


def status_update(submission: Submission) -> tuple[StatusUpdate | None, dict[str, str]]:
    """The submitted update, or Slack's inline errors for its fields."""
    view = submission.view
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
    minutes: int | None = None
    if minutes_text and minutes_text.strip():
        try:
            minutes = whole_number(minutes_text, 1, NEXT_UPDATE_MOST_MINUTES)
        except BadNumber:
            errors[Block.NEXT_UPDATE] = (
                f"Give whole minutes from 1 to {NEXT_UPDATE_MOST_MINUTES}, or leave it empty."
            )
    if errors:
        return None, errors
    arn = str(submission.kept.data["arn"])
    return StatusUpdate(arn, str(status), impact, what, minutes), {}


async def posted_on(submission: Submission, update: StatusUpdate) -> OnIncident:
    """The incident the form was opened for, as the bot kept it."""
    return OnIncident(update.arn)


async def posted(submission: Submission, update: StatusUpdate, subject: OnIncident) -> None:
    services, request = submission.services, submission.request
    before = await services.incidents.get(subject.incident_arn)
    after = await services.status_updates.post(
        update, submission.user, client_token("status", request)
    )
    await audit(services, submission.user, subject.incident_arn, "Status update posted", request)
    if before.is_open and not after.is_open:
        await services.exports.offer(subject.incident_arn)


FORMS = [
    Form(
        Callback.STATUS_UPDATE_MODAL,
        status_update,
        posted_on,
        changers("post updates"),
        posted,
        failed="The update was not posted: ",
        answer_in=incident_channel,
    )
]
