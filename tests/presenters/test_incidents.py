"""The incidents presenter: what it says in Slack, and a message Slack refuses logged, never
raised back to the domain (what the domain did stands)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from bot.events import Bus
from bot.incidents.events import CardChanged, ExportOffered, StatusUpdatePosted
from bot.incidents.record import Incident, IncidentCard
from bot.presenters.incidents import IncidentsPresenter
from tests.presenters.test_declaration import RefusingSlack

INCIDENT = Incident(
    "arn:aws:ssm-incidents::111122223333:incident-record/critical-service/0001",
    "Checkout <errors>",
    "RESOLVED",
    2,
    "",
    datetime(2026, 12, 1, tzinfo=UTC),
    None,
)


class RecordingSlack:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []

    async def chat_postMessage(self, **args: object) -> dict:
        self.calls.append(("chat.postMessage", args))
        return {"ok": True, "ts": "1.000100"}


async def test_a_status_update_is_posted_in_each_of_its_channels() -> None:
    slack, bus = RecordingSlack(), Bus()
    IncidentsPresenter(slack).subscribe(bus)
    await bus.publish(StatusUpdatePosted(INCIDENT, "UDANA", "Rolled back", 30, ("CINC", "CANN")))

    assert [args["channel"] for _, args in slack.calls] == ["CINC", "CANN"]
    text = slack.calls[0][1]["text"]
    assert text == "Status update on Checkout &lt;errors&gt; by <@UDANA>: Rolled back"


async def test_refused_messages_are_logged_and_not_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bus = Bus()
    IncidentsPresenter(RefusingSlack("not_in_channel")).subscribe(bus)
    card = IncidentCard(INCIDENT, 0, "https://console.example/x")
    with caplog.at_level(logging.WARNING, logger="bot.presenters.incidents"):
        await bus.publish(CardChanged(card, "CINC", "1.000100"))
        await bus.publish(ExportOffered(INCIDENT, "CINC"))

    assert caplog.messages == [
        "could not update the card in CINC: not_in_channel",
        "could not offer the export in CINC: not_in_channel",
    ]
