"""Times as people type them, in their time zone; shown in Slack's date formatting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.errors import InvalidInput
from bot.oncall.times import slack_date, window

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 30, 10, 30, tzinfo=PARIS).astimezone(UTC)  # 10:30 in Paris


def paris(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("typed", "start", "end"),
    [
        ("2026-12-01 09:00 2026-12-01 17:00", paris(1, 9, month=12), paris(1, 17, month=12)),
        ("12:00 18:00", paris(30, 12), paris(30, 18)),  # still to come today
        ("09:00 17:00", paris(1, 9, month=12), paris(1, 17, month=12)),  # past: tomorrow
        ("tomorrow 09:00 +8h", paris(1, 9, month=12), paris(1, 17, month=12)),
        ("today 22:00 06:00", paris(30, 22), paris(1, 6, month=12)),  # ends the next morning
        ("now +30m", NOW, NOW + timedelta(minutes=30)),
        ("+2h +1d", NOW + timedelta(hours=2), NOW + timedelta(days=1, hours=2)),
    ],
)
def test_times_are_read_in_the_persons_zone(typed: str, start: datetime, end: datetime) -> None:
    assert window(typed.split(), PARIS, NOW) == (start, end)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("soon later", "Give a start and an end"),
        ("09:00", "Give a start and an end"),
        ("25:00 26:00", "Give a whole number of hours from 0 to 23, not 25."),
        ("09:60 +1h", "Give a whole number of minutes from 0 to 59, not 60."),
        ("\u0669:00 +1h", "Give a whole number of hours from 0 to 23."),  # an Arabic-Indic 9
        ("now +\u00b2h", "Give a whole number of hours from 0 to 8784."),  # a superscript 2
        ("now +\u2460d", "Give a whole number of days from 0 to 366."),  # a circled 1
        ("now +1_0m", "Give a whole number of minutes from 0 to 527040."),
        ("now +3650d", "Give a whole number of days from 0 to 366, not 3650."),
        ("2026-02-30 09:00 +1h", "Give a start and an end"),
        ("2026-11-01 09:00 2026-11-01 10:00", "already past"),
        ("tomorrow 10:00 tomorrow 09:00", "must end after it starts"),
    ],
)
def test_what_cannot_be_read_says_what_is_expected(typed: str, says: str) -> None:
    with pytest.raises(InvalidInput, match=says):
        window(typed.split(), PARIS, NOW)


def test_slack_formats_the_date_with_a_utc_fallback() -> None:
    at = paris(1, 9, month=12)
    assert slack_date(at) == (
        f"<!date^{int(at.timestamp())}^{{date_short_pretty}} {{time}}|2026-12-01 08:00 UTC>"
    )
