"""The post-incident export shows what people wrote as text: no live link, heading or table."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.blocks.export_markdown import EXPORT_LIMIT, IncidentExport, export_markdown
from bot.incidents.record import Incident, TimelineEntry

HOSTILE = "[Click to acknowledge](https://evil.example) # not a heading | *bold* <b>"


def test_text_people_wrote_is_never_markup_in_the_export() -> None:
    incident = Incident.from_record(
        {
            "arn": "arn:aws:ssm-incidents::111122223333:incident-record/p/abc",
            "title": HOSTILE,
            "status": "OPEN",
            "impact": 2,
            "summary": f"line one\n{HOSTILE}",
            "creationTime": datetime.now(UTC),
        }
    )
    entry = TimelineEntry(datetime.now(UTC), "Custom Event", f"Dana: {HOSTILE}", "e1")
    markdown = export_markdown(
        IncidentExport(
            incident, "https://console.example/x", [], {"commander": HOSTILE}, [entry], {}
        )
    )
    assert "](https://evil.example)" not in markdown
    assert "\\[Click to acknowledge\\]\\(https://evil.example\\)" in markdown
    assert "\n# not a heading" not in markdown and "\\# not a heading" in markdown
    assert "[Incident Manager](https://console.example/x)" in markdown  # the bot's own link stays


def test_a_timeline_too_large_for_one_request_keeps_every_event_cut_and_says_so() -> None:
    incident = Incident.from_record(
        {
            "arn": "arn:aws:ssm-incidents::111122223333:incident-record/p/abc",
            "title": "Checkout errors",
            "status": "RESOLVED",
            "impact": 1,
            "creationTime": datetime.now(UTC),
        }
    )
    events = [  # as many events as people may write, each at AWS's 12,000 characters
        TimelineEntry(datetime.now(UTC), "Custom Event", f"{n:03d} " + "é漢 note " * 1_500, f"e{n}")
        for n in range(150)
    ]
    export = IncidentExport(incident, "https://console.example/x", [], {}, events, {})
    markdown = export_markdown(export)
    assert len(json.dumps(markdown)) <= EXPORT_LIMIT
    assert all(f" · {n:03d} " in markdown for n in range(150))  # every event, cut
    assert "cut at" in markdown and "[Incident Manager](https://console.example/x)" in markdown
    short = IncidentExport(incident, "https://console.example/x", [], {}, events[:3], {})
    assert "cut at" not in export_markdown(short)  # whole when it fits
