"""An incident as Markdown, for a Slack canvas or file: the record, related items, roles and the
whole timeline with each Slack message's permalink."""

from __future__ import annotations

import json
import re
from datetime import datetime

from bot.incidents.record import (
    Incident,
    IncidentExport,
    impact_label,
)


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


# A canvas (or file) goes to Slack in one request: kept well under a megabyte as sent (JSON, with
# non-ASCII characters escaped), which the local Slack refuses past and aiohttp warns about.
# Slack documents no limit of a canvas's own.
EXPORT_LIMIT = 900_000
EVENT_CUT = "…"


def _sent_size(markdown: str) -> int:
    return len(json.dumps(markdown))


def export_markdown(export: IncidentExport) -> str:
    """The export, every event whole when it fits EXPORT_LIMIT; else every event still, each
    event's text cut at the most characters that fit, and said so."""
    whole = _markdown(export, None)
    if _sent_size(whole) <= EXPORT_LIMIT:
        return whole
    shortest, longest = 0, max(len(entry.text) for entry in export.timeline)
    while shortest < longest:
        middle = (shortest + longest + 1) // 2
        if _sent_size(_markdown(export, middle)) <= EXPORT_LIMIT:
            shortest = middle
        else:
            longest = middle - 1
    return _markdown(export, shortest)


def _markdown(export: IncidentExport, event_cut: int | None) -> str:
    """The export, each event's text cut at ``event_cut`` characters (None: whole)."""
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
    if event_cut is not None:
        lines.append(
            f"_Each event's text is cut at {event_cut:,} characters here, to fit one message to "
            f"Slack: the whole timeline is in [Incident Manager]({export.console})._"
        )
    for entry in export.timeline:
        text = entry.text
        if event_cut is not None and len(text) > event_cut:
            text = text[:event_cut] + EVENT_CUT
        item = f"- {_when(entry.time)} · {entry.type} · {_line(text)}"
        permalink = export.permalinks.get(entry.event_id)
        if permalink and permalink not in entry.text:
            item += f" ([Slack message]({permalink}))"
        lines.append(item)
    if not export.timeline:
        lines.append("_No events._")
    return "\n".join(lines) + "\n"
