"""An escalation plan as Slack shows it: its stages, who each target is, and a summary line."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, MarkdownTextObject, SectionBlock

from bot.blocks.common import as_dicts
from bot.blocks.fit import MESSAGE_BLOCKS, MESSAGE_TEXT, clip, fit_blocks, fit_sections
from bot.blocks.ids import PlanAction
from bot.contact_plans.escalation import Member, stages_summary
from bot.contacts import Contact, PlanStage, PlanTarget
from bot.mrkdwn import escape
from bot.vocabulary import ContactType

KINDS = {
    ContactType.ONCALL_SCHEDULE: "on-call schedule",
    ContactType.ESCALATION: "escalation plan",
}


def member_text(member: Member) -> str:
    """``alias`` Name and who that is in Slack: a person's user, or the target's kind."""
    if member.type in KINDS:
        who = KINDS[member.type]
    else:
        who = f"<@{member.slack_user}>" if member.slack_user else "not linked to Slack"
    return f"`{escape(member.alias)}` {escape(member.name)} ({who})"


def target_text(target: PlanTarget, members: Mapping[str, Member]) -> str:
    member = members.get(target.contact_arn or "")
    said = member_text(member) if member else f"`{escape(target.contact_arn or '?')}`"
    return said + (" — *essential*" if target.essential else " — not essential")


def plan_blocks(plan: Contact, members: Mapping[str, Member]) -> list[dict[str, Any]]:
    """The plan, stage by stage, with an **Edit** button; as many stages as a message holds."""
    head = SectionBlock(
        text=MarkdownTextObject(
            text=f"*Escalation plan `{escape(plan.alias)}`* ({escape(plan.display_name)})"
        )
    )
    rest = "the plan in the AWS console"
    stages = [
        fit_sections(
            [
                f"*Stage {index}* · {stage.minutes} min",
                *([f"• {target_text(t, members)}" for t in stage.targets] or ["• no target"]),
            ],
            rest,
        )
        for index, stage in enumerate(plan.stages, 1)
    ] or [[SectionBlock(text=MarkdownTextObject(text="It has no stages yet."))]]
    edit = ActionsBlock(
        elements=[ButtonElement(text="Edit", action_id=PlanAction.EDIT, value=plan.alias)]
    )
    return as_dicts([head, *fit_blocks(stages, MESSAGE_BLOCKS - 2, rest), edit])


def change_text(user_id: str, plan: Contact, before: Sequence[PlanStage]) -> str:
    """The ONCALL_CHANNEL line: who changed which plan, before → after (* essential)."""
    return clip(
        f":pencil2: <@{user_id}> changed the escalation plan `{escape(plan.alias)}` "
        f"({escape(plan.display_name)}):\n*before:* {stages_summary(before)}\n"
        f"*after:* {stages_summary(plan.stages)}\n_* essential_",
        MESSAGE_TEXT,
    )
