"""The post-incident export shows what people wrote as text: no live link, heading or table."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.incidents.record import Incident, TimelineEntry
from bot.slack.export_markdown import IncidentExport, export_markdown

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
