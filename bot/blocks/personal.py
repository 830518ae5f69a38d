"""``/incident me``: a person's channels with their activation, their engagement plan, and the
forms that change the plan and take an activation code."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
)

from bot.blocks.common import as_dicts, error_text, modal_form
from bot.blocks.fit import OPTION_TEXT, SELECT_OPTIONS, choices, chosen, option_value
from bot.blocks.ids import MeAction
from bot.contact_plans.personal import DraftEngagement, Mine
from bot.contacts import ContactChannel, PlanStage
from bot.errors import InvalidInput
from bot.mrkdwn import escape

PLAN_TITLE = "Your paging plan"
CODE_TITLE = "Activate a channel"


def channel_text(channel: ContactChannel) -> str:
    return f"{channel.type} `{escape(channel.address)}`"


def engagement_lines(mine: Mine) -> list[str]:
    """``at 5 min: SMS `+1…` (retry every 2 min)``, one line per stage."""
    named = {c.arn: channel_text(c) for c in mine.channels}
    lines, start = [], 0
    for stage in mine.contact.stages:
        for target in stage.targets:
            said = named.get(target.channel_arn or "", "a channel no longer there")
            retry = f" (retry every {target.retry_minutes} min)" if target.retry_minutes else ""
            lines.append(f"• at {start} min: {said}{retry}")
        start += stage.minutes
    return lines or ["• no stages: AWS engages none of your channels"]


def me_blocks(mine: Mine) -> list[dict[str, Any]]:
    contact = mine.contact
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"*Your contact `{escape(contact.alias)}`* ({escape(contact.display_name)})"
                "\n*Channels*"
            )
        )
    ]
    for channel in mine.channels:
        state = ":white_check_mark: activated" if channel.activated else ":x: not activated"
        button = (
            None
            if channel.activated
            else ButtonElement(text="Activate", action_id=MeAction.ACTIVATE, value=channel.arn)
        )
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(text=f"{channel_text(channel)} — {state}"),
                accessory=button,
            )
        )
    plan = "\n".join(["*Engagement plan*", *engagement_lines(mine)])
    blocks.append(SectionBlock(text=MarkdownTextObject(text=plan)))
    blocks.append(
        ActionsBlock(elements=[ButtonElement(text="Edit", action_id=MeAction.EDIT, value="edit")])
    )
    return as_dicts(blocks)


def row_block(kind: str, index: int) -> str:
    return f"{kind}:{index}"


def plan_modal(mine: Mine, channel: str) -> dict[str, Any]:
    """One row per stage, and an empty one to add a stage; a row with no channel is dropped.
    A channel's option stands for its ARN (``channels_chosen`` reads it back)."""
    options = [
        Option(value=option_value(c.arn), label=f"{c.type} {c.address}"[:OPTION_TEXT])
        for c in mine.channels[:SELECT_OPTIONS]
    ]
    rows = [
        (
            str(stage.minutes),
            [t.channel_arn for t in stage.targets],
            next((str(t.retry_minutes) for t in stage.targets if t.retry_minutes), ""),
        )
        for stage in mine.contact.stages
    ]
    rows.append(("", [], ""))
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text="Each stage engages its channels, then waits its minutes before the next. "
                "Untick every channel of a stage to remove it."
            )
        )
    ]
    for index, (minutes, in_stage, retry) in enumerate(rows):
        ticked = [o for o in options if o.value in {option_value(a or "") for a in in_stage}]
        blocks += [
            InputBlock(
                block_id=row_block("channels", index),
                label=f"Stage {index + 1}: channels",
                optional=True,
                element=choices(MeAction.CHANNELS, options, ticked, "Choose channels"),
            ),
            _typed_input(
                "minutes", MeAction.MINUTES, index, "minutes before the next stage", minutes
            ),
            _typed_input("retry", MeAction.RETRY, index, "minutes between retries", retry),
        ]
    return modal_form(
        MeAction.PLAN_MODAL, PLAN_TITLE, "Save", blocks, {"rows": len(rows), "channel": channel}
    )


def _typed_input(kind: str, action: str, index: int, label: str, typed: str) -> InputBlock:
    """A stage row's optional text input (``kind`` minutes or retry), as typed before."""
    return InputBlock(
        block_id=row_block(kind, index),
        label=f"Stage {index + 1}: {label}",
        optional=True,
        element=PlainTextInputElement(action_id=action, initial_value=typed or None),
    )


def read_plan(
    meta: Mapping[str, Any], values: Mapping[str, Mapping[str, dict[str, Any]]]
) -> list[DraftEngagement]:
    """The rows as typed (``meta``: what ``plan_modal`` kept; ``values``: the view's state, by
    block and action, its choices the form's own, checked by ``Forms.read``)."""

    def typed(kind: str, index: int, action: str) -> dict[str, Any]:
        return values.get(row_block(kind, index), {}).get(action, {})

    rows = [
        DraftEngagement(
            typed("minutes", index, MeAction.MINUTES).get("value") or "",
            tuple(
                o["value"]
                for o in typed("channels", index, MeAction.CHANNELS).get("selected_options") or []
            ),
            typed("retry", index, MeAction.RETRY).get("value") or "",
        )
        for index in range(meta["rows"])
    ]
    return rows


def channels_chosen(
    stages: Sequence[PlanStage], channels: Sequence[ContactChannel]
) -> tuple[PlanStage, ...]:
    """The stages with each target's option value read back as its channel's ARN; one that is
    none of the person's channels (gone since the form opened) is refused."""
    arns = [c.arn for c in channels]
    read = []
    for stage in stages:
        targets = []
        for target in stage.targets:
            arn = chosen(target.channel_arn or "", arns)
            if arn is None:
                raise InvalidInput(
                    "A channel you chose is no longer your contact's: `/incident me` shows "
                    "them as they are now; edit your plan again."
                )
            targets.append(replace(target, channel_arn=arn))
        read.append(replace(stage, targets=tuple(targets)))
    return tuple(read)


def plan_errors(problems: dict[tuple[int, str], str]) -> dict[str, str]:
    return {row_block(kind, index): text for (index, kind), text in problems.items()}


def code_modal(channel: ContactChannel, origin: str, wrong: str = "") -> dict[str, Any]:
    """The form that takes a channel's activation code (again, saying ``wrong``, after AWS
    refused one)."""
    blocks: list[Block] = [
        InputBlock(
            block_id=MeAction.CODE,
            label=f"The code AWS sent to {channel.type} {channel.address}"[:150],
            element=PlainTextInputElement(action_id=MeAction.CODE),
        )
    ]
    if wrong:
        blocks.insert(0, SectionBlock(text=MarkdownTextObject(text=error_text(wrong))))
    return modal_form(
        MeAction.CODE_MODAL, CODE_TITLE, "Activate", blocks, {"arn": channel.arn, "channel": origin}
    )
