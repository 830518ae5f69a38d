"""An incident as Markdown, for a Slack canvas or file: the record, related items, roles and the
whole timeline with each Slack message's permalink."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.incidents.record import Incident, RelatedItem, TimelineEntry, impact_label


@dataclass(frozen=True)
class IncidentExport:
    """What a post-incident analysis starts from."""

    incident: Incident
    console: str
    related_items: Sequence[RelatedItem]
    roles: Mapping[str, str]  # role → the holder's name
    timeline: Sequence[TimelineEntry]  # oldest first
    permalinks: Mapping[str, str]  # timeline event id → the Slack message's permalink


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "—"


MARKUP = re.compile(r"([\\`*_\[\]()#|<>!~])")


def _plain(text: str) -> str:
    """Text a person wrote, as data: every Markdown character escaped (no live link or
    heading), so the canvas shows what was written."""
    return MARKUP.sub(r"\\\1", text)


def _line(text: str) -> str:
    """One Markdown list item's text: kept on one line, as data."""
    return _plain(" ".join(text.split()))


def export_title(incident: Incident) -> str:
    return f"Incident {incident.id[:8]}: {incident.title}"[:255]


def export_markdown(export: IncidentExport) -> str:
    incident = export.incident
    lines = [
        f"# {_line(incident.title)}",
        "",
        "## Record",
        f"- **Status:** {incident.status.title()}",
        f"- **Impact:** {impact_label(incident.impact)}",
        f"- **Response plan:** {incident.response_plan}",
        f"- **Started:** {_when(incident.created)}",
        f"- **Resolved:** {_when(incident.resolved)}",
        f"- **Id:** `{incident.id}` ([Incident Manager]({export.console}))",
        "",
        "### Summary",
        _plain(incident.summary) if incident.summary else "_No summary._",
        "",
        "## Related items",
    ]
    lines += [
        f"- {item.type}: {_line(item.title) + ' — ' if item.title else ''}{_line(item.value)}"
        for item in export.related_items
    ] or ["_None._"]
    lines += ["", "## Roles"]
    lines += [f"- **{role}:** {_line(name)}" for role, name in export.roles.items()] or [
        "_None assigned._"
    ]
    lines += ["", "## Timeline"]
    for entry in export.timeline:
        item = f"- {_when(entry.time)} · {entry.type} · {_line(entry.text)}"
        permalink = export.permalinks.get(entry.event_id)
        if permalink and permalink not in entry.text:
            item += f" ([Slack message]({permalink}))"
        lines.append(item)
    if not export.timeline:
        lines.append("_No events._")
    return "\n".join(lines) + "\n"
