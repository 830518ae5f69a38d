"""Rendering related items and the timeline for Slack."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    Option,
    StaticSelectElement,
)

from bot.blocks.common import with_actions
from bot.blocks.fit import OPTION_TEXT, SELECT_OPTIONS, clip, fit_text, more_line
from bot.blocks.ids import Action
from bot.mrkdwn import escape, truncate
from bot.related_items import RelatedItem
from bot.timeline import TimelineEntry
from bot.tokens import client_token

LABELS = {"INVOLVED_RESOURCE": "resource", "METRIC": "metric", "OTHER": "link"}


def item_key(item: RelatedItem) -> str:
    """A short stable key for a select option (Slack caps option values at 150 chars)."""
    return client_token(item.value)[:32]


def item_line(item: RelatedItem) -> str:
    """A related item as one line: its value and title shown as text, never as a link a person
    labelled (the value is what the link opens, so it is never hidden behind the title)."""
    kind = LABELS.get(item.type, item.type.lower())
    return f"• {kind}: {escape(item.value)}" + (f" — {escape(item.title)}" if item.title else "")


def links_text(items: Sequence[RelatedItem], console: str) -> str:
    """The related items, as many as a message holds; the rest are counted and left to the
    incident in the AWS console (``console``: its address)."""
    if not items:
        return "No related items yet. Add one with `/incident link <url|arn> [title]`."
    rest = f"<{console}|the incident in AWS Incident Manager> lists them all"
    return fit_text("*Related items*", [item_line(item) for item in items], rest)


def unlink_picker(arn: str, items: Sequence[RelatedItem]) -> list[dict[str, Any]]:
    options = [
        Option(value=item_key(item), label=truncate(item.title or item.value, OPTION_TEXT))
        for item in items[:SELECT_OPTIONS]
    ]
    text = "Which related item should I remove?"
    if len(items) > SELECT_OPTIONS:
        left = more_line(len(items) - SELECT_OPTIONS, "`/incident unlink <url|arn>` removes any")
        text += f"\n_{left}_"
    return with_actions(
        text,
        StaticSelectElement(action_id=Action.UNLINK, placeholder="Choose an item", options=options),
        block_id=f"unlink:{client_token(arn)[:40]}",
    )


EVENT_SHOWN = 600  # characters of one event's text in the list (escaped)


def timeline_text(title: str, entries: Sequence[TimelineEntry], older: str = "") -> str:
    """The events, newest first, each on a line; as many as a message holds (``older``: how to
    see older ones, when there may be some)."""
    if not entries:
        return f"*{escape(title)}* has no timeline events yet."
    lines = [
        f"• <!date^{int(e.time.timestamp())}^{{date_short}} {{time}}|"
        f"{e.time:%Y-%m-%d %H:%M} UTC> _{e.type}_ — "
        + clip(escape(" ".join(e.text.split())), EVENT_SHOWN)
        for e in entries
    ]
    rest = "`/incident export` puts the whole timeline in a canvas"
    head = f"*Timeline of {escape(title)}* (newest first{'; ' + older if older else ''})"
    return fit_text(head, lines, rest)
