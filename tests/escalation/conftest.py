"""Paging's domain wired as the composition root wires it, on fakes of AWS, the incidents,
the people, the timers and the two Slack ports, over a real (SQLite) store; and for the
end-to-end tests, paging's clock (a plan minute is 0.1 s) and the Slack users of the seeded
contacts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings, load_settings
from bot.escalation.paging import Paging, assemble
from bot.events import Bus
from bot.store.database import Database
from tests.escalation.fakes import (
    FakeContacts,
    FakeDirectory,
    FakeIncidents,
    FakePageMessages,
    FakePeople,
    FakeSchedule,
    Heard,
    person,
    plan,
)
from tests.support import Stack

USERS = {"alice": "U0ALICE", "bob": "U0BOB", "carol": "U0CAROL"}
PAGER = "U0DANA"  # who pages
ONCALL = plan("oncall", (5, {"alice": True}), (10, {"bob": True}))


@dataclass
class World:
    """Both fakes' sides of paging, and paging itself (``restart`` builds it anew)."""

    database: Database
    settings: Settings
    log: list[tuple[str, str]] = field(default_factory=list)
    incidents: FakeIncidents = field(default_factory=FakeIncidents)
    directory: FakeDirectory = field(default_factory=FakeDirectory)
    schedule: FakeSchedule = field(default_factory=FakeSchedule)
    bus: Bus = field(default_factory=Bus)

    def __post_init__(self) -> None:
        self.contacts = FakeContacts(self.log)
        self.messages = FakePageMessages(self.log)
        self.people = FakePeople(
            [ONCALL, *(person(alias) for alias in ("alice", "bob", "carol"))], dict(USERS)
        )
        self.heard = Heard(self.bus)
        self.paging = self.restart()

    def restart(self) -> Paging:
        """Paging as a new process builds it: nothing in memory, the same rows and AWS."""
        self.schedule = FakeSchedule()
        return assemble(
            self.contacts,
            self.database,
            self.incidents,
            self.people,
            self.settings,
            self.schedule,
            self.bus,
            self.messages,
            self.directory,
        )

    def dms(self, alias: str) -> list[object]:
        return list(self.messages.sent.get(USERS[alias], []))


@pytest.fixture
def paging_settings() -> dict[str, object]:
    """Overrides a test may change before the ``world`` fixture builds paging."""
    return {}


@pytest.fixture
async def world(database_file: Path, paging_settings: dict[str, object]) -> AsyncIterator[World]:
    database = Database(f"sqlite:///{database_file}")
    await database.migrate()
    settings = load_settings(
        _env_file=None, slack_bot_token="xoxb-unit", time_scale=1.0, **paging_settings
    )
    try:
        yield World(database, settings)
    finally:
        await database.close()


@pytest.fixture
def bot_settings() -> dict[str, Any]:
    # a plan minute lasts 0.1 s: stage 1 (5 min) 0.5 s, stage 2 (10 min) 1 s
    return {
        "default_response_plan": "critical-service",
        "time_scale": 0.1,
        "mirror_interval_seconds": 0.3,
    }


@pytest.fixture
def team(stack: Stack) -> dict[str, str]:
    """Slack users whose emails match the seeded contacts' EMAIL channels."""
    return {
        name: stack.slack.add_user(name, email=f"{name}@example.com")
        for name in ("alice", "bob", "carol")
    }
