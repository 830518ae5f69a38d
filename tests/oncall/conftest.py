"""The Slack users of the seeded contacts (each in a time zone of their own), a channel they
share, and rotations made to hand off when a test needs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.contacts import Contact
from bot.events import Bus
from bot.store.database import Database
from bot.vocabulary import ContactType
from tests.support import Stack

ZONES = {"alice": "America/New_York", "bob": "UTC", "carol": "Asia/Tokyo"}

# The records the unit tests on fakes use: people, one rotation, its schedule, a coming shift.
CONTACTS = "arn:aws:ssm-contacts:us-east-1:111122223333:contact"
ALICE, BOB, CAROL = (f"{CONTACTS}/{name}" for name in ("alice", "bob", "carol"))
ROTATION = "arn:aws:ssm-contacts:us-east-1:111122223333:rotation/r1"
PAYMENTS = Contact(
    f"{CONTACTS}/payments", "payments", "Payments", ContactType.ONCALL_SCHEDULE, (), (ROTATION,)
)
START = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=10)  # handed off soon
END = START + timedelta(hours=8)


@pytest.fixture
def team(stack: Stack) -> dict[str, str]:
    users = {
        name: stack.slack.add_user(name, email=f"{name}@example.com", tz=zone)
        for name, zone in ZONES.items()
    }
    users["dana"] = stack.slack.add_user("dana", email="dana@example.com")
    users["ops"] = stack.slack.add_channel("ops", members=list(users.values()))
    return users


# one person on call at a time, handing off every day at 09:00 (UTC)
DAILY_AT_NINE = {
    "NumberOfOnCalls": 1,
    "RecurrenceMultiplier": 1,
    "DailySettings": [{"HourOfDay": 9, "MinuteOfHour": 0}],
}


def daily_rotation(stack: Stack, name: str, people: list[str], hand_off_in: float) -> str:
    """A daily rotation of ``people`` whose first hands off to the second ``hand_off_in``
    seconds from now; its ARN."""
    return stack.aws("ssm-contacts").create_rotation(
        Name=name,
        ContactIds=[stack.emulator.contacts.contact_arn(p) for p in people],
        StartTime=datetime.now(UTC) - timedelta(days=1) + timedelta(seconds=hand_off_in),
        TimeZoneId="UTC",
        Recurrence=DAILY_AT_NINE,
    )["RotationArn"]


def on_call_schedule(stack: Stack, alias: str, rotations: list[str]) -> str:
    """An on-call schedule over ``rotations``; its ARN."""
    return stack.aws("ssm-contacts").create_contact(
        Alias=alias,
        DisplayName=alias.title(),
        Type="ONCALL_SCHEDULE",
        Plan={"RotationIds": rotations},
    )["ContactArn"]


def daily_schedule(stack: Stack, alias: str, people: list[str], hand_off_in: float) -> str:
    """An on-call schedule over a daily rotation of ``people`` whose first hands off to the
    second ``hand_off_in`` seconds from now; its ARN."""
    return on_call_schedule(
        stack, alias, [daily_rotation(stack, f"{alias}-daily", people, hand_off_in)]
    )


@pytest.fixture
async def database(database_file: Path) -> AsyncIterator[Database]:
    """The bot's own schema in a fresh SQLite file, for tests of the domain on fakes."""
    database = Database(f"sqlite:///{database_file}")
    await database.migrate()
    yield database
    await database.close()


def hearing(bus: Bus, *kinds: type) -> list[object]:
    """What ``bus`` says of the ``kinds`` of event, in order, as a presenter would hear it."""
    heard: list[object] = []

    async def record(event: object) -> None:
        heard.append(event)

    for kind in kinds:
        bus.subscribe(kind, record)
    return heard
