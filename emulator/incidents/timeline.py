"""ssm-incidents' timeline events: the incident's own and those written to it."""

from __future__ import annotations

import json
import uuid
from copy import deepcopy
from datetime import datetime
from typing import Any

from emulator.clock import Clock
from emulator.errors import incident_resource
from emulator.incidents.filters import matches
from emulator.paging import page_of


class TimelineEvents:
    """The timeline operations of ``IncidentsBackend``."""

    events: dict[str, dict[str, dict[str, Any]]]
    clock: Clock

    def _event(
        self,
        arn: str,
        event_type: str,
        data: Any,
        when: datetime | None = None,
        references: list[dict[str, Any]] | None = None,
    ) -> str:
        event_id = str(uuid.uuid4())
        now = self.clock.now()
        self.events[arn][event_id] = {
            "incidentRecordArn": arn,
            "eventId": event_id,
            "eventTime": when or now,
            "eventUpdatedTime": now,
            "eventType": event_type,
            "eventData": data if isinstance(data, str) else json.dumps(data, default=str),
            "eventReferences": references or [],
        }
        return event_id

    def _timeline_event(self, arn: str, event_id: str) -> dict[str, Any]:
        self._incident(arn)
        return incident_resource(self.events[arn], "Timeline event", event_id)

    def CreateTimelineEvent(self, params: dict[str, Any]) -> dict[str, Any]:
        def create() -> dict[str, Any]:
            arn = params["incidentRecordArn"]
            self._incident(arn)
            event_id = self._event(
                arn,
                params["eventType"],
                params["eventData"],
                params["eventTime"],
                params.get("eventReferences"),
            )
            return {"incidentRecordArn": arn, "eventId": event_id}

        return self._once("CreateTimelineEvent", params, create)

    def GetTimelineEvent(self, params: dict[str, Any]) -> dict[str, Any]:
        event = self._timeline_event(params["incidentRecordArn"], params["eventId"])
        return {"event": deepcopy(event)}

    def UpdateTimelineEvent(self, params: dict[str, Any]) -> dict[str, Any]:
        def update() -> dict[str, Any]:
            event = self._timeline_event(params["incidentRecordArn"], params["eventId"])
            for key in ("eventData", "eventTime", "eventType", "eventReferences"):
                if key in params:
                    event[key] = params[key]
            event["eventUpdatedTime"] = self.clock.now()
            return {}

        return self._once("UpdateTimelineEvent", params, update)

    def DeleteTimelineEvent(self, params: dict[str, Any]) -> dict[str, Any]:
        self._timeline_event(params["incidentRecordArn"], params["eventId"])
        del self.events[params["incidentRecordArn"]][params["eventId"]]
        return {}

    def ListTimelineEvents(self, params: dict[str, Any]) -> dict[str, Any]:
        self._incident(params["incidentRecordArn"])
        events = [
            e
            for e in self.events[params["incidentRecordArn"]].values()
            if all(matches(e, f) for f in params.get("filters") or [])
        ]
        events.sort(
            key=lambda e: e["eventTime"],
            reverse=params.get("sortOrder", "ASCENDING") == "DESCENDING",
        )
        summaries = [{k: v for k, v in e.items() if k != "eventData"} for e in events]
        return page_of(summaries, params, "eventSummaries")
