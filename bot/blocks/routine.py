"""What a responder's routine looks like in Slack: status updates, their reminders, the offer
made when an incident is resolved, and the status update form."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ButtonElement,
    InputBlock,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
)

from bot.blocks.card import STATUS_ICON, post_update_button
from bot.blocks.common import as_dicts, modal_form, with_actions
from bot.blocks.fit import INPUT_LENGTH, fit_sections
from bot.blocks.ids import Action, Block, Callback
from bot.blocks.modals import impact_input
from bot.errors import InvalidInput
from bot.incidents.record import OPEN, RESOLVED, Incident, impact_label
from bot.mrkdwn import escape

UPDATE_FORM_TITLE = "Post status update"
STATUS_CHOICES = {OPEN: "Open", RESOLVED: "Resolved"}
NEXT_UPDATE_MOST_MINUTES = 1440  # the form's "next update in": a day at most
WHAT_LIMIT = INPUT_LENGTH  # a status update is what one input holds


def check_what(what: str) -> str:
    """What is happening, as a status update says it: said, and within one input."""
    what = what.strip()
    if not what:
        raise InvalidInput("Say what is happening: what is known, what is being done.")
    if len(what) > WHAT_LIMIT:
        raise InvalidInput(
            f"The update is {len(what):,} characters; a status update takes at most "
            f"{WHAT_LIMIT:,}. Put the detail in the summary (`/incident update`)."
        )
    return what


def status_update_modal(incident: Incident, next_minutes: float) -> dict[str, Any]:
    options = [Option(value=value, label=label) for value, label in STATUS_CHOICES.items()]
    current = next(o for o in options if o.value == incident.status)
    return modal_form(
        Callback.STATUS_UPDATE_MODAL,
        UPDATE_FORM_TITLE,
        "Post",
        metadata={"arn": incident.arn},
        blocks=[
            InputBlock(
                block_id=Block.STATUS,
                label="Status",
                element=StaticSelectElement(
                    action_id=Action.STATUS, options=options, initial_option=current
                ),
            ),
            impact_input(incident.impact),
            InputBlock(
                block_id=Block.WHAT,
                label="What is happening",
                element=PlainTextInputElement(
                    action_id=Action.WHAT, multiline=True, max_length=WHAT_LIMIT
                ),
            ),
            InputBlock(
                block_id=Block.NEXT_UPDATE,
                label="Next update in (minutes)",
                optional=True,
                element=NumberInputElement(
                    action_id=Action.NEXT_UPDATE,
                    is_decimal_allowed=False,
                    min_value=1,
                    max_value=NEXT_UPDATE_MOST_MINUTES,
                    initial_value=str(max(1, round(next_minutes))),
                ),
            ),
        ],
    )


def status_update_text(incident: Incident, user_id: str, what: str) -> str:
    return f"Status update on {escape(incident.title)} by <@{user_id}>: {escape(what)}"


def status_update_blocks(
    incident: Incident, user_id: str, what: str, next_minutes: float | None
) -> list[dict[str, Any]]:
    """The update as the channel (and the announcement channel) shows it: whole, over as many
    sections as its escaped text needs."""
    state = STATUS_ICON.get(incident.status, incident.status)
    lines = [
        f":mega: *Status update* on *{escape(incident.title)}* by <@{user_id}>",
        f"*Status* {state} · *Impact* {impact_label(incident.impact)}",
        *escape(what).splitlines(),
    ]
    if next_minutes is not None and incident.is_open:
        lines.append(f"_Next update in {next_minutes:g} minutes._")
    return as_dicts(fit_sections(lines, "the incident's timeline has it whole"))


def reminder_text(incident: Incident, minutes: float) -> str:
    return f"No status update on {escape(incident.title)} for {minutes:g} minutes."


def reminder_blocks(incident: Incident, minutes: float) -> list[dict[str, Any]]:
    """The channel is reminded that no update was posted for ``minutes``."""
    text = (
        f":alarm_clock: No status update on *{escape(incident.title)}* for {minutes:g} minutes "
        f"(impact {impact_label(incident.impact)}). Post one for everyone following it."
    )
    return with_actions(text, post_update_button(incident.arn))


def resolved_offer_text(incident: Incident) -> str:
    return f"{escape(incident.title)} is resolved: export it, then archive the channel."


def resolved_offer_blocks(incident: Incident) -> list[dict[str, Any]]:
    """Offered in the channel of a resolved incident: the export, and archiving the channel."""
    text = (
        f":white_check_mark: *{escape(incident.title)}* is resolved. Export its record, roles "
        "and timeline for the post-incident analysis, then archive this channel when done."
    )
    return with_actions(
        text,
        ButtonElement(
            text="Export for post-incident analysis",
            action_id=Action.EXPORT,
            value=incident.arn,
            style="primary",
        ),
        ButtonElement(
            text="Archive channel", action_id=Action.ARCHIVE, value=incident.arn, style="danger"
        ),
    )
