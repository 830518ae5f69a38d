"""Times as a person types them, read in their Slack time zone, and shown back in Slack's date
formatting (each reader sees their own zone)."""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from bot.directory import Directory
from bot.errors import InvalidInput, SlackRefused
from bot.numbers import Bounds

log = logging.getLogger(__name__)

FORMS = "`2026-12-01 09:00`, `09:00`, `tomorrow 09:00`, `now` or `+2h` (also `+30m`, `+1d`)"
# The shapes of what a person types; the numbers in them are read by ``bot.numbers``, so
# ``+²h`` or ``25:00`` is told what to give rather than taken for something else.
CLOCK = re.compile(r"^(\w{1,2}):(\w{2})$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
RELATIVE = re.compile(r"^\+(\w+?)([mhd])$")
YEAR = timedelta(days=366)  # the furthest a relative time reaches
UNITS = {
    unit: Bounds(0, int(YEAR / timedelta(**{name: 1})), name)
    for unit, name in (("m", "minutes"), ("h", "hours"), ("d", "days"))
}
HOURS, MINUTES = Bounds(0, 23, "hours"), Bounds(0, 59, "minutes")


async def user_zone(directory: Directory, user_id: str) -> tzinfo:
    """The person's Slack time zone; UTC when Slack does not say."""
    try:
        return await directory.time_zone(user_id)
    except SlackRefused as refused:
        log.warning("cannot read the time zone of %s: %s", user_id, refused.code)
        return UTC


def moment(words: list[str], zone: tzinfo, now: datetime, base: datetime) -> datetime | None:
    """One time in ``words``, or None: a day word or date counts from ``now``, a bare time of
    day or ``+2h`` from ``base`` (now for a start, the start for an end)."""
    text = " ".join(words).lower()
    local_base = base.astimezone(zone)
    if text == "now":
        return base
    if relative := RELATIVE.match(text):
        bounds = UNITS[relative.group(2)]
        return base + timedelta(**{bounds.what: bounds.read(relative.group(1))})
    day: date | None = None
    if len(words) == 2:
        first = words[0].lower()
        if first in ("today", "tomorrow"):
            day = now.astimezone(zone).date() + timedelta(days=first == "tomorrow")
        elif DAY.match(first):
            try:
                day = date.fromisoformat(first)
            except ValueError:
                return None
        else:
            return None
        words = words[1:]
    elif len(words) != 1:
        return None
    clock = CLOCK.match(words[0])
    if clock is None:
        return None
    at = time(HOURS.read(clock.group(1)), MINUTES.read(clock.group(2)))
    if day is not None:
        return datetime.combine(day, at, zone).astimezone(UTC)
    found = datetime.combine(local_base.date(), at, zone)
    if found <= local_base:  # a time of day already past: the next one
        found = datetime.combine(local_base.date() + timedelta(days=1), at, zone)
    return found.astimezone(UTC)


def window(words: list[str], zone: tzinfo, now: datetime) -> tuple[datetime, datetime]:
    """``<from> <to>`` (each one or two words); ``to`` is read after ``from``."""
    for cut in range(1, len(words)):
        start = moment(words[:cut], zone, now, now)
        end = moment(words[cut:], zone, now, start) if start else None
        if start and end:
            if end <= start:
                raise InvalidInput("The cover must end after it starts.")
            if end <= now:
                raise InvalidInput("That time is already past: give a time still to come.")
            return start, end
    raise InvalidInput(f"Give a start and an end, each as {FORMS}.")


def slack_date(at: datetime) -> str:
    """``at`` in Slack's date formatting: each reader sees it in their own time zone."""
    fallback = at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(at.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"
