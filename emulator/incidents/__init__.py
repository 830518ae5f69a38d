"""ssm-incidents: one account's Incident Manager, its state and behaviour (moto's ``models``),
an operation family a module: the replication set, response plans, incident records, related
items, the timeline and tags."""

from __future__ import annotations

from typing import Any

from emulator.backend import Backend
from emulator.clock import Clock
from emulator.incidents.plans import ResponsePlans
from emulator.incidents.records import IncidentRecords
from emulator.incidents.related import RelatedItems
from emulator.incidents.replication import ReplicationSets
from emulator.incidents.tags import Tags
from emulator.incidents.timeline import TimelineEvents


class IncidentsBackend(
    ReplicationSets, ResponsePlans, IncidentRecords, RelatedItems, TimelineEvents, Tags, Backend
):
    """The state of one account's Incident Manager; its operations are its families'."""

    STATE = ("replication_sets", "plans", "policies", "incidents", "related", "events", "tags")
    TOKEN_FIELD = "clientToken"

    def __init__(
        self,
        clock: Clock,
        contacts: Any = None,
        account_id: str = "111122223333",
        region: str = "us-east-1",
    ) -> None:
        super().__init__()
        self.clock = clock
        self.contacts = contacts
        self.account_id = account_id
        self.region = region
        self.replication_sets: dict[str, dict[str, Any]] = {}
        self.plans: dict[str, dict[str, Any]] = {}
        self.policies: dict[str, dict[str, str]] = {}  # response plan → policy id → document
        self.incidents: dict[str, dict[str, Any]] = {}
        self.related: dict[str, list[dict[str, Any]]] = {}
        self.events: dict[str, dict[str, dict[str, Any]]] = {}
        self.tags: dict[str, dict[str, str]] = {}

    def _arn(self, kind: str, name: str) -> str:
        return f"arn:aws:ssm-incidents::{self.account_id}:{kind}/{name}"


__all__ = ["IncidentsBackend"]
