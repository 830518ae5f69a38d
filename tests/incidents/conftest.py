"""The incidents domain alone: its store (SQLite), the bus, and fakes of AWS and Slack."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.events import Bus
from bot.incidents import events
from bot.incidents.declaration import Declarations
from bot.incidents.declaration_record import DeclarationRecords
from bot.incidents.declaration_steps import DeclarationSteps
from bot.incidents.service import IncidentService
from bot.store.database import Database
from bot.timeline import Timeline
from tests.incidents.fakes import FakeIncidentsAws, FakeSlack

ANNOUNCE = "CANNOUNCE"


@dataclass
class World:
    aws: FakeIncidentsAws
    slack: FakeSlack
    incidents: IncidentService
    records: DeclarationRecords
    declarations: Declarations
    bus: Bus
    heard: list[Any]  # every event said on the bus, in order

    def said(self, kind: type) -> list[Any]:
        return [event for event in self.heard if isinstance(event, kind)]


@pytest.fixture
async def world(database_file: Path) -> AsyncIterator[World]:
    database = Database(f"sqlite:///{database_file}")
    await database.migrate()
    settings = Settings(announce_channel=ANNOUNCE, _env_file=None)
    aws, slack, bus, heard = FakeIncidentsAws(), FakeSlack(), Bus(), []

    async def hear(event: object) -> None:
        heard.append(event)

    for kind in vars(events).values():
        if isinstance(kind, type) and kind.__module__ == events.__name__:
            bus.subscribe(kind, hear)
    incidents = IncidentService(aws, Timeline(aws, database), database, settings, bus)
    records = DeclarationRecords(database, settings.declaration_lease_seconds)
    steps = DeclarationSteps(incidents, records, slack, slack, slack, bus)
    declarations = Declarations(incidents, records, steps, bus)
    yield World(aws, slack, incidents, records, declarations, bus, heard)
    await database.close()
