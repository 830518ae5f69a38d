"""What only an incident read in full shows (``GetIncidentRecord`` and ``ListRelatedItems``): its
summary, chat channel and related items, kept as the sync last saw them, and the differences
said in one short line each."""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.incidents.record import Incident, RelatedItem
from bot.mrkdwn import clip, escape
from bot.store.schema import SeenIncident

SHOWN_LIMIT = 300  # characters of a summary or an item shown in the line


def identity(item: RelatedItem) -> str:
    return f"{item.type} {item.value}"


def label(item: RelatedItem) -> str:
    return f"{item.title} ({item.value})" if item.title else item.value


def shown(text: str) -> str:
    """Person-written text on one short line, escaped."""
    return clip(escape(" ".join(text.split())), SHOWN_LIMIT)


@dataclass(frozen=True)
class FullRead:
    summary: str
    chat_channel: str
    related: dict[str, str]  # identity → label

    @classmethod
    def of(cls, incident: Incident, items: list[RelatedItem]) -> FullRead:
        return cls(incident.summary, incident.chat_channel, {identity(i): label(i) for i in items})

    def columns(self) -> dict[str, str]:
        """As kept in ``seen_incidents``."""
        return {
            "summary": self.summary,
            "chat_channel": self.chat_channel,
            "related_items": json.dumps(self.related, sort_keys=True),
        }


def related_seen(row: SeenIncident) -> dict[str, str] | None:
    return None if row.related_items is None else dict(json.loads(row.related_items))


def full_changes(before: SeenIncident, now: FullRead) -> list[str]:
    """What differs from what was last seen, each as a short sentence; a part never seen
    before (None) is taken as it is, unannounced."""
    said = []
    if before.summary is not None and now.summary != before.summary:
        said.append(
            f"Summary changed in AWS: {shown(now.summary)}"
            if now.summary.strip()
            else "Summary cleared in AWS"
        )
    if before.chat_channel is not None and now.chat_channel != before.chat_channel:
        where = f"AWS Chatbot through `{escape(now.chat_channel)}`" if now.chat_channel else "none"
        said.append(f"Chat channel changed in AWS: now {where}")
    seen = related_seen(before)
    if seen is not None:
        for key in sorted(now.related.keys() - seen.keys()):
            said.append(f"Related item added in AWS: {shown(now.related[key])}")
        for key in sorted(seen.keys() - now.related.keys()):
            said.append(f"Related item removed in AWS: {shown(seen[key])}")
    return said
