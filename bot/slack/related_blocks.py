"""Rendering related items and the timeline for Slack."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
    StaticSelectElement,
)

from bot.related_items import RelatedItem
from bot.slack.blocks import as_dicts, escape, truncate
from bot.slack.ids import Action
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


def links_text(items: Sequence[RelatedItem]) -> str:
    if not items:
        return "No related items yet. Add one with `/incident link <url|arn> [title]`."
    return "*Related items*\n" + "\n".join(item_line(item) for item in items[:50])


def unlink_picker(arn: str, items: Sequence[RelatedItem]) -> list[dict]:
    options = [
        Option(value=item_key(item), label=truncate(item.title or item.value, 75))
        for item in items[:100]
    ]
    return as_dicts(
        [
            SectionBlock(text=MarkdownTextObject(text="Which related item should I remove?")),
            ActionsBlock(
                block_id=f"unlink:{client_token(arn)[:40]}",
                elements=[
                    StaticSelectElement(
                        action_id=Action.UNLINK, placeholder="Choose an item", options=options
                    )
                ],
            ),
        ]
    )


def timeline_text(title: str, entries: Sequence[TimelineEntry]) -> str:
    if not entries:
        return f"*{escape(title)}* has no timeline events yet."
    lines = [
        f"• <!date^{int(e.time.timestamp())}^{{date_short}} {{time}}|"
        f"{e.time:%Y-%m-%d %H:%M} UTC> _{e.type}_ — {escape(truncate(e.text, 300))}"
        for e in entries
    ]
    return truncate(f"*Timeline of {escape(title)}* (newest first)\n" + "\n".join(lines), 39_000)
