"""The declare and update modals, and reading their submitted values back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import ceil
from typing import TYPE_CHECKING, Any

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

from bot.blocks.common import modal_form
from bot.blocks.fit import (
    INPUT_LENGTH,
    OPTION_TEXT,
    SELECT_OPTIONS,
    option_value,
)
from bot.blocks.ids import Action, Block, Callback
from bot.incidents.record import IMPACTS, SUMMARY_LIMIT, TITLE_LIMIT, Incident, impact_label

if TYPE_CHECKING:
    pass

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


def impact_input(initial: int) -> InputBlock:
    """A form's **Impact** menu, ``initial`` chosen."""
    options = _impact_options()
    menu = StaticSelectElement(
        action_id=Action.IMPACT, options=options, initial_option=options[initial - 1]
    )
    return InputBlock(block_id=Block.IMPACT, label="Impact", element=menu)


def _title_input(title: str) -> InputBlock:
    return InputBlock(
        block_id=Block.TITLE, label="Title", element=_text(Action.TITLE, title, TITLE_LIMIT)
    )


def _text(action_id: str, initial: str, limit: int, multiline: bool = False) -> Any:
    return PlainTextInputElement(
        action_id=action_id,
        initial_value=initial or None,
        max_length=limit,
        multiline=multiline,
    )


# A summary may be longer than one input holds: it is shown over consecutive inputs and joined
# back, as typed, on submission. A form gets one input per SUMMARY_ROOM characters it holds (at
# least one), so a form always has room left to type in, up to Incident Manager's limit.
SUMMARY_PARTS = ceil(SUMMARY_LIMIT / INPUT_LENGTH)
SUMMARY_ROOM = 2_500
SEAM_SEARCH = 300  # how far back from an input's end a part ends after a newline or a space


def summary_block(part: int) -> str:
    """The block id of the summary's ``part`` (0: the first)."""
    return Block.SUMMARY if part == 0 else f"{Block.SUMMARY}_{part + 1}"


def summary_parts(summary: str) -> list[str]:
    """``summary`` in consecutive parts that each fit an input, cut after a newline (else a
    space) near the end where there is one; joined they are ``summary`` again."""
    parts: list[str] = []
    rest = summary
    while len(rest) > INPUT_LENGTH:
        window = rest[INPUT_LENGTH - SEAM_SEARCH : INPUT_LENGTH]
        seam = window.rfind("\n") if "\n" in window else window.rfind(" ")
        cut = INPUT_LENGTH - SEAM_SEARCH + seam + 1 if seam >= 0 else INPUT_LENGTH
        parts.append(rest[:cut])
        rest = rest[cut:]
    return [*parts, rest]


def summary_inputs(summary: str) -> list[InputBlock]:
    """The summary's inputs: its parts, then empty ones, one per SUMMARY_ROOM it holds."""
    parts = summary_parts(summary)
    count = max(len(parts), min(SUMMARY_PARTS, len(summary) // SUMMARY_ROOM + 1))
    parts += [""] * (count - len(parts))
    hint = (
        None
        if count == SUMMARY_PARTS
        else f"A box holds {INPUT_LENGTH:,} characters and Incident Manager keeps "
        f"{SUMMARY_LIMIT:,}: for more, save, and /incident update shows another box."
    )
    return [
        InputBlock(
            block_id=summary_block(index),
            label="Summary" if index == 0 else "Summary (continued)",
            optional=True,
            hint=hint if index == count - 1 else None,
            element=_text(Action.SUMMARY, part, INPUT_LENGTH, multiline=True),
        )
        for index, part in enumerate(parts)
    ]


def declare_modal(
    title: str,
    summary: str,
    plans: Sequence[PlanChoice],
    default_plan: str | None,
    context: dict[str, str],
) -> dict[str, Any]:
    """``context`` (e.g. the channel the command came from) rides in private_metadata."""
    plan_options = [
        Option(value=option_value(p.arn), label=p.label[:OPTION_TEXT])
        for p in plans[:SELECT_OPTIONS]
    ]
    initial_plan = next(
        (o for o, p in zip(plan_options, plans, strict=True) if default_plan in (p.arn, p.name)),
        None,
    )
    channel_option = Option(value="yes", label="Create an incident channel")
    return modal_form(
        Callback.DECLARE_MODAL,
        DECLARE_TITLE,
        "Declare",
        metadata=context,
        blocks=[
            _title_input(title),
            impact_input(3),
            InputBlock(
                block_id=Block.PLAN,
                label="Response plan",
                element=StaticSelectElement(
                    action_id=Action.PLAN, options=plan_options, initial_option=initial_plan
                ),
            ),
            *summary_inputs(summary),
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


def update_modal(incident: Incident) -> dict[str, Any]:
    return modal_form(
        Callback.UPDATE_MODAL,
        UPDATE_TITLE,
        "Save",
        metadata={"arn": incident.arn},
        blocks=[
            _title_input(incident.title),
            impact_input(incident.impact),
            *summary_inputs(incident.summary),
        ],
    )


def message_modal(title: str, text: str) -> dict[str, Any]:
    """A modal that only says something: that it is loading, or why it cannot go on."""
    return View(
        type="modal",
        callback_id=Callback.MESSAGE_MODAL,
        title=title,
        close="Close",
        blocks=[SectionBlock(text=MarkdownTextObject(text=text))],
    ).to_dict()


def submitted(view: dict[str, Any], block: str, action: Action) -> Any:
    """The value a user left in one input of a submitted modal (None when empty)."""
    state = view.get("state", {}).get("values", {}).get(block, {}).get(action, {})
    if "selected_option" in state:
        return (state["selected_option"] or {}).get("value")
    if "selected_options" in state:
        return [o["value"] for o in state["selected_options"] or []]
    return state.get("value")


def submitted_summary(view: dict[str, Any]) -> tuple[str, str]:
    """The summary as typed over its inputs, joined, and the block id of its last input (where
    an error about it is shown)."""
    values = view.get("state", {}).get("values", {})
    blocks = [summary_block(part) for part in range(SUMMARY_PARTS)]
    present = [block for block in blocks if block in values] or [Block.SUMMARY]
    joined = "".join(submitted(view, block, Action.SUMMARY) or "" for block in present)
    return joined, present[-1]
