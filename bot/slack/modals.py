"""The declare and update modals, and reading their submitted values back."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    CheckboxesElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.incidents.record import IMPACTS, SUMMARY_LIMIT, TITLE_LIMIT, Incident, impact_label
from bot.slack.blocks import INPUT_LIMIT
from bot.slack.ids import Action, Block, Callback

DECLARE_TITLE = "Declare incident"
UPDATE_TITLE = "Update incident"
LOADING = ":hourglass_flowing_sand: Asking Incident Manager…"


@dataclass(frozen=True)
class PlanChoice:
    arn: str
    name: str
    label: str


def _impact_options() -> list[Option]:
    return [Option(value=str(n), label=impact_label(n)) for n in IMPACTS]


def impact_select(initial: int) -> StaticSelectElement:
    options = _impact_options()
    return StaticSelectElement(
        action_id=Action.IMPACT, options=options, initial_option=options[initial - 1]
    )


def _text(action_id: str, initial: str, limit: int, multiline: bool = False) -> Any:
    return PlainTextInputElement(
        action_id=action_id,
        initial_value=initial[:limit] or None,  # never cut shorter than AWS's: saving would
        max_length=min(limit, INPUT_LIMIT),  # write the cut; an input holds Slack's 3000
        multiline=multiline,
    )


def declare_modal(
    title: str,
    summary: str,
    plans: Sequence[PlanChoice],
    default_plan: str | None,
    context: dict[str, str],
) -> dict:
    """``context`` (e.g. the channel the command came from) rides in private_metadata."""
    plan_options = [Option(value=p.arn, label=p.label[:75]) for p in plans[:100]]
    initial_plan = next(
        (o for o, p in zip(plan_options, plans, strict=True) if default_plan in (p.arn, p.name)),
        None,
    )
    channel_option = Option(value="yes", label="Create an incident channel")
    view = View(
        type="modal",
        callback_id=Callback.DECLARE_MODAL,
        title=DECLARE_TITLE,
        submit="Declare",
        close="Cancel",
        private_metadata=json.dumps(context),
        blocks=[
            InputBlock(
                block_id=Block.TITLE, label="Title", element=_text(Action.TITLE, title, TITLE_LIMIT)
            ),
            InputBlock(block_id=Block.IMPACT, label="Impact", element=impact_select(3)),
            InputBlock(
                block_id=Block.PLAN,
                label="Response plan",
                element=StaticSelectElement(
                    action_id=Action.PLAN, options=plan_options, initial_option=initial_plan
                ),
            ),
            InputBlock(
                block_id=Block.SUMMARY,
                label="Summary",
                optional=True,
                element=_text(Action.SUMMARY, summary, SUMMARY_LIMIT, multiline=True),
            ),
            InputBlock(
                block_id=Block.CHANNEL,
                label="Channel",
                optional=True,
                element=CheckboxesElement(
                    action_id=Action.CHANNEL,
                    options=[channel_option],
                    initial_options=[channel_option],
                ),
            ),
        ],
    )
    return view.to_dict()


def update_modal(incident: Incident) -> dict:
    view = View(
        type="modal",
        callback_id=Callback.UPDATE_MODAL,
        title=UPDATE_TITLE,
        submit="Save",
        close="Cancel",
        private_metadata=json.dumps({"arn": incident.arn}),
        blocks=[
            InputBlock(
                block_id=Block.TITLE,
                label="Title",
                element=_text(Action.TITLE, incident.title, TITLE_LIMIT),
            ),
            InputBlock(
                block_id=Block.IMPACT, label="Impact", element=impact_select(incident.impact)
            ),
            InputBlock(
                block_id=Block.SUMMARY,
                label="Summary",
                optional=True,
                element=_text(Action.SUMMARY, incident.summary, SUMMARY_LIMIT, True),
            ),
        ],
    )
    return view.to_dict()


def message_modal(title: str, text: str) -> dict:
    """A modal that only says something: that it is loading, or why it cannot go on."""
    return View(
        type="modal",
        callback_id=Callback.MESSAGE_MODAL,
        title=title,
        close="Close",
        blocks=[SectionBlock(text=MarkdownTextObject(text=text))],
    ).to_dict()


def submitted(view: dict, block: Block, action: Action) -> Any:
    """The value a user left in one input of a submitted modal (None when empty)."""
    state = view.get("state", {}).get("values", {}).get(block, {}).get(action, {})
    if "selected_option" in state:
        return (state["selected_option"] or {}).get("value")
    if "selected_options" in state:
        return [o["value"] for o in state["selected_options"] or []]
    return state.get("value")
