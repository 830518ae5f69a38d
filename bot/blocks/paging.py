"""What a paged person and the incident channel see of an escalation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.common import as_dicts
from bot.blocks.fit import (
    MESSAGE_BLOCKS,
    MESSAGE_TEXT,
    SECTION_TEXT,
    clip,
    fit_lines,
    fit_sections,
)
from bot.blocks.ids import PagingAction
from bot.escalation.plan import Stage
from bot.incidents.record import Incident, impact_label
from bot.mrkdwn import escape
from bot.vocabulary import EscalationState as State


def clock(moment: datetime) -> str:
    return f"<!date^{int(moment.timestamp())}^{{time}}|{moment:%H:%M} UTC>"


def page_blocks(
    incident: Incident,
    paged_by: str,
    stage: int,
    stages: int,
    notice_id: str,
    escalation_id: str | None,
) -> list[dict[str, Any]]:
    buttons = [
        ButtonElement(
            text="Acknowledge", action_id=PagingAction.ACKNOWLEDGE, value=notice_id, style="primary"
        )
    ]
    if escalation_id is not None:
        buttons.append(
            ButtonElement(
                text="Escalate now", action_id=PagingAction.ESCALATE_NOW, value=escalation_id
            )
        )
    return as_dicts(
        [
            HeaderBlock(text=":rotating_light: You are paged"),
            SectionBlock(
                text=MarkdownTextObject(
                    text=clip(
                        f"*{escape(incident.title)}*\nImpact {impact_label(incident.impact)}"
                        f" · paged by {escape(paged_by)} · stage {stage} of {stages}",
                        SECTION_TEXT,
                    )
                )
            ),
            ActionsBlock(elements=buttons),
        ]
    )


PAGE_EVENT = "incident_bot_page"


def page_metadata(notice_id: str) -> dict[str, Any]:
    """Slack message metadata naming the page a DM carries, so it can be found again."""
    return {"event_type": PAGE_EVENT, "event_payload": {"notice_id": notice_id}}


def page_text(incident: Incident, stage: int, stages: int) -> str:
    return f"You are paged for {escape(incident.title)} (stage {stage} of {stages})"


def acknowledged_blocks(incident: Incident, by: str, at: datetime) -> list[dict[str, Any]]:
    return as_dicts(
        [
            SectionBlock(
                text=MarkdownTextObject(
                    text=clip(
                        f":white_check_mark: *{escape(incident.title)}*\n"
                        f"Acknowledged by <@{by}> at {clock(at)}",
                        SECTION_TEXT,
                    )
                )
            ),
        ]
    )


def closed_blocks(incident: Incident, why: str) -> list[dict[str, Any]]:
    text = clip(f"*{escape(incident.title)}*\n{why}", SECTION_TEXT)
    return as_dicts([SectionBlock(text=MarkdownTextObject(text=text))])


def status_blocks(
    alias: str,
    stages: Sequence[Stage],
    current: int,
    state: str,
    paged: dict[str, list[str]],
    acknowledged: dict[str, str],
    next_at: datetime | None,
    escalation_id: str,
) -> list[dict[str, Any]]:
    """The live escalation message in the incident channel (``paged``: the Slack users each
    target reached, several for a target that is an escalation plan)."""
    lines = []
    for index, stage in enumerate(stages):
        marker = "▶" if index == current and state == State.RUNNING else "•"
        people = ", ".join(
            f"{t.alias}{' (essential)' if t.essential else ''}"
            + (
                " → " + " ".join(f"<@{user}>" for user in paged[t.contact_arn])
                if t.contact_arn in paged
                else ""
            )
            + (
                f" :white_check_mark: <@{acknowledged[t.contact_arn]}>"
                if t.contact_arn in acknowledged
                else ""
            )
            for t in stage.targets
        )
        minutes = f" ({stage.minutes} min)" if stage.minutes is not None else ""
        lines.append(f"{marker} Stage {index + 1}{minutes}: {people}")
    state_line = {
        State.RUNNING: f"Next stage at {clock(next_at)}" if next_at else "Paging…",
        State.ACKNOWLEDGED: "Acknowledged: later stages cancelled.",
        State.EXHAUSTED: ":warning: Every stage ran and no essential contact acknowledged.",
        State.STOPPED: "Paging stopped.",
    }[State(state)]
    stages_shown = fit_sections(
        [f":pager: *Paging {alias}*", *lines], f"`/incident plan {alias}`", MESSAGE_BLOCKS - 2
    )
    blocks = [*stages_shown, ContextBlock(elements=[MarkdownTextObject(text=state_line)])]
    if state == State.EXHAUSTED:
        blocks.append(
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text="Page again",
                        action_id=PagingAction.PAGE_AGAIN,
                        value=escalation_id,
                        style="danger",
                    )
                ]
            )
        )
    return as_dicts(blocks)


def plan_text(alias: str, name: str, stages: Sequence[Stage]) -> str:
    """An escalation plan in one message: its stages, their people and durations."""
    parts = []
    for index, stage in enumerate(stages, 1):
        people = ", ".join(
            f"`{t.alias}`" + ("" if t.essential else " (non-essential)") for t in stage.targets
        )
        parts.append(f"stage {index} ({stage.minutes} min): {people}")
    head = f"`{alias}` ({escape(name)}) is an escalation plan: "
    tail = f". Page it with `/incident page {alias}`."
    budget = MESSAGE_TEXT - len(head) - len(tail)
    return head + "; ".join(fit_lines(parts, budget, f"`/incident plan {alias}`", "; ")) + tail


def on_call_text(alias: str, name: str, on_call: Sequence[tuple[str, str | None]]) -> str:
    """An on-call schedule and who is on call now: (contact alias, linked Slack user)."""
    if not on_call:
        return f"`{alias}` ({escape(name)}) is an on-call schedule with nobody on call right now."
    people = [
        f"`{person}` (<@{user}>)" if user else f"`{person}` (not linked to Slack)"
        for person, user in on_call
    ]
    head = f"`{alias}` ({escape(name)}) is an on-call schedule; on call now: "
    budget = MESSAGE_TEXT - len(head) - 1
    return head + ", ".join(fit_lines(people, budget, f"`/incident oncall {alias}`", ", ")) + "."
