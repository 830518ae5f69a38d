"""The incident card: the pinned message that shows an incident's state at a glance."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
    StaticSelectElement,
)

from bot.blocks.common import as_dicts, with_actions
from bot.blocks.fit import (
    FIELD_TEXT,
    HEADER_TEXT,
    OPTION_TEXT,
    SECTION_TEXT,
    SELECT_OPTIONS,
    clip,
)
from bot.blocks.ids import Action, Block
from bot.incidents.record import Incident, IncidentCard, Trigger, impact_label
from bot.mrkdwn import escape, truncate

STATUS_ICON = {"OPEN": ":red_circle: Open", "RESOLVED": ":large_green_circle: Resolved"}
TRIGGER_KINDS = {"aws.cloudwatch": "CloudWatch alarm", "aws.events": "EventBridge rule"}


def trigger_text(trigger: Trigger) -> str:
    """``started by CloudWatch alarm `checkout-5xx```: what fired, by kind and name."""
    kind = TRIGGER_KINDS.get(trigger.source, escape(trigger.source))
    if not trigger.arn:
        return f"started by {kind}"
    name = trigger.arn.rsplit(":", 1)[-1].rsplit("/", 1)[-1]
    return f"started by {kind} `{escape(name)}`"


def post_update_button(arn: str) -> ButtonElement:
    """Opens the status update form (on the card and in each reminder)."""
    return ButtonElement(text="Post status update", action_id=Action.POST_UPDATE, value=arn)


def roles_line(roles: Mapping[str, str]) -> str:
    """``*Roles* commander <@U…> · communications <@U…>``."""
    return "*Roles*  " + " · ".join(f"{role} <@{user}>" for role, user in roles.items())


SUMMARY_CUT = "\n_The whole summary: `/incident update`, or the incident in AWS._"


def summary_text(summary: str) -> str:
    """The card's summary, whole when a section holds it, else cut with where to read it."""
    text = f"*Summary*\n{escape(summary) or '_No summary yet._'}"
    if len(text) <= SECTION_TEXT:
        return text
    return clip(text, SECTION_TEXT - len(SUMMARY_CUT)) + SUMMARY_CUT


def card_blocks(
    incident: Incident, related_items: int, console: str, roles: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    fields = [
        MarkdownTextObject(text=clip(text, FIELD_TEXT))
        for text in (
            f"*Status*\n{STATUS_ICON.get(incident.status, incident.status)}",
            f"*Impact*\n{impact_label(incident.impact)}",
            f"*Response plan*\n{escape(incident.response_plan)}",
            f"*Related items*\n{related_items}",
        )
    ]
    toggle = (
        ButtonElement(text="Resolve", action_id=Action.RESOLVE, value=incident.arn, style="primary")
        if incident.is_open
        else ButtonElement(text="Reopen", action_id=Action.REOPEN, value=incident.arn)
    )
    blocks = [
        HeaderBlock(text=truncate(incident.title, HEADER_TEXT)),
        SectionBlock(fields=fields),
        SectionBlock(text=MarkdownTextObject(text=summary_text(incident.summary))),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"<{console}|Open in AWS Incident Manager> · id `{incident.id}`"
                )
            ]
        ),
    ]
    if incident.trigger is not None:
        context = f":zap: Incident {trigger_text(incident.trigger)}"
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=context)]))
    blocks += [
        ActionsBlock(
            block_id=Block.CARD_ACTIONS,
            elements=[
                ButtonElement(text="Update", action_id=Action.UPDATE, value=incident.arn),
                toggle,
                post_update_button(incident.arn),
            ],
        ),
    ]
    if roles:
        blocks.insert(3, SectionBlock(text=MarkdownTextObject(text=roles_line(roles))))
    return as_dicts(blocks)


PICK_PREFIX = "pick|"


def incident_picker(
    message: str, incidents: list[Incident], command: str
) -> list[dict[str, Any]] | None:
    """``message`` plus a menu of open incidents (each by its id) that re-runs ``command`` on
    the one chosen."""
    block_id = f"{PICK_PREFIX}{command}"
    if not incidents or len(block_id) > 255:
        return None
    options = [
        Option(value=i.id, label=truncate(f"{i.title} ({i.id[:8]})", OPTION_TEXT))
        for i in incidents[:SELECT_OPTIONS]
    ]
    return with_actions(
        f":warning: {message}",
        StaticSelectElement(
            action_id=Action.PICK, placeholder="Or choose an open incident", options=options
        ),
        block_id=block_id,
    )


def card_message(card: IncidentCard) -> tuple[str, list[dict[str, Any]]]:
    """The card as a message: its text and its blocks."""
    blocks = card_blocks(card.incident, card.related_items, card.console, card.roles)
    return card_text(card.incident), blocks


def card_text(incident: Incident) -> str:
    impact = impact_label(incident.impact)
    return f"Incident: {escape(incident.title)} ({incident.status}, impact {impact})"


def incident_line(incident: Incident, channel_id: str | None) -> str:
    where = f" in <#{channel_id}>" if channel_id else ""
    return (
        f"• *{escape(incident.title)}* — {incident.status.lower()}, impact "
        f"{impact_label(incident.impact)}, id `{incident.id}`{where}"
    )
