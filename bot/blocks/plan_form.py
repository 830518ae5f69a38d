"""The escalation plan's edit form: rendered from a draft the bot keeps (``Forms``: its
private_metadata is only the key), and read back with what was typed since on every button and
on submission. Its buttons' values are checked against what the form offers."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ExternalDataSelectElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    OverflowMenuElement,
    PlainTextInputElement,
    SectionBlock,
)

from bot.blocks.common import modal_form
from bot.blocks.fit import (
    OPTION_TEXT,
    SELECT_OPTIONS,
    VIEW_BLOCKS,
    choices,
    option_value,
)
from bot.blocks.ids import PlanAction
from bot.blocks.plans import member_text
from bot.contact_plans.escalation import DraftStage, Member, fingerprint
from bot.contacts import Contact, PlanTarget, alias_of
from bot.errors import InvalidInput
from bot.mrkdwn import escape
from bot.numbers import BadNumber, whole_number

TITLE = "Edit escalation plan"
NOT_OFFERED = "That is not one of the form's choices: nothing was changed."
ADD_STAGE = "add"  # the value of the form's one "Add a stage" button
MOVES = {"up": "Move up", "down": "Move down", "remove": "Remove stage"}


@dataclass(frozen=True)
class PlanForm:
    """What the form carries between renders: the plan, its fingerprint when read, the draft."""

    arn: str
    alias: str
    read: str  # the plan's fingerprint when the form opened
    channel: str  # where the person asked, to answer there
    revision: int  # bumped on each render, so Slack does not keep stale typed values
    stages: tuple[DraftStage, ...]

    def metadata(self) -> str:
        """The draft as private_metadata: a target in the plan's own account by its alias."""
        return json.dumps(
            {
                "arn": self.arn,  # it ends in the alias
                "read": self.read,
                "channel": self.channel,
                "rev": self.revision,
                "stages": [
                    [s.minutes, [[_short(self, t.contact_arn), t.essential] for t in s.targets]]
                    for s in self.stages
                ],
            },
            separators=(",", ":"),
            ensure_ascii=False,
        )


def _contacts_of(plan_arn: str) -> str:
    """``arn:…:contact/``: what every contact ARN of the plan's account starts with."""
    return plan_arn.rsplit("/", 1)[0] + "/"


def _short(form: PlanForm, contact_arn: str | None) -> str | None:
    prefix = _contacts_of(form.arn)
    return contact_arn.removeprefix(prefix) if contact_arn else contact_arn


def _whole(plan_arn: str, target: str | None) -> str | None:
    if target is None or target.startswith("arn:"):
        return target
    return _contacts_of(plan_arn) + target


def form_for(plan: Contact, read: str, channel: str) -> PlanForm:
    stages = tuple(DraftStage(str(s.minutes), s.targets) for s in plan.stages)
    return PlanForm(plan.arn, plan.alias, read, channel, 0, stages)


def block_id(kind: str, form: PlanForm, stage: int) -> str:
    return f"{kind}:{form.revision}:{stage}"


def stage_of(form: PlanForm, block: str) -> int:
    """The stage a block id of this render (``add:revision:stage``) names; InvalidInput for a
    block the form does not have."""
    kind, _, stage = block.rpartition(":")
    if kind != f"add:{form.revision}":
        raise InvalidInput(NOT_OFFERED)
    return _index(stage, len(form.stages))


def _index(text: str, count: int) -> int:
    """A position the form offers (0 to ``count`` - 1), else InvalidInput."""
    try:
        return whole_number(text, 0, count - 1)
    except BadNumber:
        raise InvalidInput(NOT_OFFERED) from None


def moves(index: int, last: int) -> list[str]:
    """What a stage's menu offers: up (not the first), down (not the last), remove (not the
    only one)."""
    return (
        (["up"] if index > 0 else [])
        + (["down"] if index < last else [])
        + (["remove"] if last > 0 else [])
    )


def plan_modal(form: PlanForm, members: Mapping[str, Member]) -> dict[str, Any]:
    blocks: list[Block] = []
    last = len(form.stages) - 1
    for index, stage in enumerate(form.stages):
        offered = moves(index, last)
        blocks.append(
            SectionBlock(
                block_id=block_id("stage", form, index),
                text=MarkdownTextObject(text=f"*Stage {index + 1}*"),
                accessory=OverflowMenuElement(
                    action_id=PlanAction.STAGE_MENU,
                    options=[Option(value=f"{m}:{index}", label=MOVES[m]) for m in offered],
                )
                if offered
                else None,
            )
        )
        blocks.append(
            InputBlock(
                block_id=block_id("minutes", form, index),
                label="Minutes before the next stage",
                element=PlainTextInputElement(
                    action_id=PlanAction.MINUTES, initial_value=stage.minutes or None
                ),
            )
        )
        for position, target in enumerate(stage.targets):
            member = members.get(target.contact_arn or "")
            text = member_text(member) if member else f"`{escape(target.contact_arn or '?')}`"
            blocks.append(
                SectionBlock(
                    block_id=block_id(f"target{position}", form, index),
                    text=MarkdownTextObject(text=text),
                    accessory=ButtonElement(
                        text="Remove",
                        action_id=PlanAction.REMOVE_TARGET,
                        value=f"{index}:{position}",
                    ),
                )
            )
        if stage.targets:
            options = [
                Option(
                    value=str(position),
                    label=alias_of(t.contact_arn or "?")[:OPTION_TEXT],
                )
                for position, t in enumerate(stage.targets)
            ]
            chosen = [o for o, t in zip(options, stage.targets, strict=True) if t.essential]
            blocks.append(
                InputBlock(
                    block_id=block_id("essential", form, index),
                    label="Essential: their acknowledgement stops the plan",
                    optional=True,
                    element=choices(
                        PlanAction.ESSENTIAL, options, chosen, "Choose the essential targets"
                    ),
                )
            )
        blocks.append(
            ActionsBlock(
                block_id=block_id("add", form, index),
                elements=[
                    ExternalDataSelectElement(
                        action_id=PlanAction.ADD_TARGET,
                        placeholder="Add a person, schedule or plan…",
                        min_query_length=0,
                    )
                ],
            )
        )
    blocks.append(
        ActionsBlock(
            block_id=f"stages:{form.revision}",
            elements=[
                ButtonElement(text="Add a stage", action_id=PlanAction.ADD_STAGE, value=ADD_STAGE)
            ],
        )
    )
    too_large = _too_large(form, blocks)
    if too_large:
        targets = sum(len(stage.targets) for stage in form.stages)
        raise InvalidInput(
            f"`{form.alias}` would have {len(form.stages)} stages and {targets} targets: more "
            f"than one Slack form holds ({too_large}). Edit it in the AWS console; "
            f"`/incident plan {form.alias}` shows it."
        )
    view = modal_form(PlanAction.MODAL, TITLE, "Save", blocks)
    # the draft, as long as the plan is: Forms keeps it and sends Slack only its key
    view["private_metadata"] = form.metadata()
    return view


def _too_large(form: PlanForm, blocks: list[Block]) -> str | None:
    """What of the form would pass Slack's limits for a modal, if anything (its draft is kept
    by the bot, so its size is no limit)."""
    if len(blocks) > VIEW_BLOCKS:
        return f"{len(blocks)} blocks; a form takes {VIEW_BLOCKS}"
    if any(len(stage.targets) > SELECT_OPTIONS for stage in form.stages):
        return f"a stage of more than {SELECT_OPTIONS} targets"
    return None


def read_form(meta: Mapping[str, Any], values: Mapping[str, Any]) -> PlanForm:
    """The draft as kept (``meta``: what ``PlanForm.metadata`` wrote), with the minutes and
    essential flags typed since (``values``: the view's state, checked against what the form
    offered by ``Forms.read``)."""
    stages = []
    for index, (minutes, targets) in enumerate(meta["stages"]):
        typed = values.get(f"minutes:{meta['rev']}:{index}", {}).get(PlanAction.MINUTES, {})
        if "value" in typed:
            minutes = typed["value"] or ""
        ticked = values.get(f"essential:{meta['rev']}:{index}", {}).get(PlanAction.ESSENTIAL)
        essential = (
            {int(o["value"]) for o in ticked.get("selected_options") or []}
            if ticked is not None
            else {p for p, (_, flag) in enumerate(targets) if flag}
        )
        stages.append(
            DraftStage(
                minutes,
                tuple(
                    PlanTarget(_whole(meta["arn"], arn), position in essential, None)
                    for position, (arn, _) in enumerate(targets)
                ),
            )
        )
    return PlanForm(
        meta["arn"],
        alias_of(meta["arn"]),
        meta["read"],
        meta["channel"],
        meta["rev"],
        tuple(stages),
    )


def changed(form: PlanForm, action_id: str, value: str) -> PlanForm:
    """The draft after one of the form's buttons (or menus): the form to render next. A value
    the form does not offer (a stage or target it does not have, a move its menu lacks) is
    InvalidInput."""
    stages = list(form.stages)
    if action_id == PlanAction.ADD_STAGE and value == ADD_STAGE:
        stages.append(DraftStage("0", ()))
    elif action_id == PlanAction.STAGE_MENU:
        move, _, at = value.partition(":")
        index = _index(at, len(stages))
        if move not in moves(index, len(stages) - 1):
            raise InvalidInput(NOT_OFFERED)
        if move == "remove":
            del stages[index]
        else:
            other = index - 1 if move == "up" else index + 1
            stages[index], stages[other] = stages[other], stages[index]
    elif action_id == PlanAction.REMOVE_TARGET:
        at, _, position = value.partition(":")
        index = _index(at, len(stages))
        gone = _index(position, len(stages[index].targets))
        kept = tuple(t for p, t in enumerate(stages[index].targets) if p != gone)
        stages[index] = replace(stages[index], targets=kept)
    else:
        raise InvalidInput(NOT_OFFERED)
    return replace(form, stages=tuple(stages), revision=form.revision + 1)


def with_target(form: PlanForm, stage: int, contact_arn: str) -> PlanForm:
    """The draft with a contact added to a stage (once), not essential."""
    stages = list(form.stages)
    current = stages[stage]
    if all(t.contact_arn != contact_arn for t in current.targets):
        added = (*current.targets, PlanTarget(contact_arn, False, None))
        stages[stage] = replace(current, targets=added)
    return replace(form, stages=tuple(stages), revision=form.revision + 1)


def errors_for(form: PlanForm, problems: Mapping[int, str]) -> dict[str, str]:
    """Slack's inline ``errors``: each stage's problem under its minutes field."""
    return {block_id("minutes", form, index): text for index, text in problems.items()}


def option_for(contact: Contact) -> dict[str, Any]:
    kind = {"PERSONAL": "person", "ONCALL_SCHEDULE": "on-call schedule"}.get(
        contact.type, "escalation plan"
    )
    label = f"{contact.alias} — {contact.display_name} ({kind})"
    return Option(value=option_value(contact.arn), label=label[:OPTION_TEXT]).to_dict()


def edit_form(plan: Contact, members: Mapping[str, Member], channel: str) -> dict[str, Any]:
    """The edit form for a plan as AWS holds it now (who may edit it is checked before)."""
    return plan_modal(form_for(plan, fingerprint(plan.stages), channel), members)
