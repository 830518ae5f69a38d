"""The ssm-incidents side, by name: incident records, related items, timeline events.

Every request and answer shape of ssm-incidents lives here; callers get the domain's types.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from functools import cache
from typing import Any

import botocore.session

from bot.aws.gateway import INCIDENTS, AwsGateway
from bot.incidents.record import Incident, RelatedItem, ResponsePlan, TimelineEntry

CUSTOM = "Custom Event"


def _identifier(item: RelatedItem) -> dict[str, Any]:
    return {"type": item.type, "value": {item.key: item.value}}


def _related_item(raw: dict[str, Any]) -> RelatedItem:
    identifier = raw.get("identifier") or {}
    value = identifier.get("value") or {}
    key = next((k for k in ("url", "arn", "metricDefinition") if value.get(k)), "url")
    return RelatedItem(
        str(identifier.get("type", "OTHER")), key, str(value.get(key, "")), raw.get("title")
    )


def readable(event_data: str) -> str:
    """A timeline event's data as text: a JSON string unwrapped, anything else as it is."""
    try:
        value = json.loads(event_data)
    except ValueError:
        return event_data
    return value if isinstance(value, str) else json.dumps(value)


@cache
def note_limit() -> int:
    """AWS's most characters of an event's data, as botocore's model says (its reference says
    6,000: messages recorded from Slack keep to that)."""
    model = botocore.session.get_session().get_service_model("ssm-incidents")
    return int(model.shape_for("EventData").metadata["max"])


class IncidentsPort:
    def __init__(self, gateway: AwsGateway) -> None:
        self.gateway = gateway

    @property
    def region(self) -> str:
        return self.gateway.region

    # -- incident records ------------------------------------------------------
    async def response_plans(self) -> list[ResponsePlan]:
        plans = await self.gateway.pages(INCIDENTS, "list_response_plans", "responsePlanSummaries")
        return [
            ResponsePlan(p["arn"], p["name"], p.get("displayName") or p["name"])
            for p in plans
            if p.get("arn") and p.get("name")
        ]

    async def incident(self, arn: str) -> Incident:
        answer = await self.gateway.call(INCIDENTS, "get_incident_record", arn=arn)
        return Incident.from_record(answer.get("incidentRecord") or {})

    async def incidents(self, status: str | None, limit: int | None = None) -> list[Incident]:
        """Incidents with ``status`` (OPEN, RESOLVED; None: all), every one or the first
        ``limit``."""
        filters = []
        if status is not None:
            filters = [{"key": "status", "condition": {"equals": {"stringValues": [status]}}}]
        summaries = await self.gateway.pages(
            INCIDENTS,
            "list_incident_records",
            "incidentRecordSummaries",
            limit=limit,
            filters=filters,
        )
        return [Incident.from_record(s) for s in summaries]

    async def open_incidents(self) -> list[Incident]:
        """Every open incident, summarised (title, impact, status, trigger), in pages of 100:
        the sync's one read of what is open."""
        return await self._summaries(
            {"key": "status", "condition": {"equals": {"stringValues": ["OPEN"]}}}
        )

    async def created_after(self, when: datetime) -> list[Incident]:
        """Every incident created after ``when``, open or resolved, summarised."""
        return await self._summaries({"key": "creationTime", "condition": {"after": when}})

    async def _summaries(self, *filters: dict[str, Any]) -> list[Incident]:
        summaries = await self.gateway.pages(
            INCIDENTS,
            "list_incident_records",
            "incidentRecordSummaries",
            filters=list(filters),
            maxResults=100,
        )
        return [Incident.from_record(s) for s in summaries]

    async def start_incident(self, plan_arn: str, title: str, impact: int, token: str) -> str:
        """The new (or, for a repeated token, the existing) incident's ARN."""
        answer = await self.gateway.call(
            INCIDENTS,
            "start_incident",
            responsePlanArn=plan_arn,
            title=title,
            impact=impact,
            clientToken=token,
        )
        return str(answer["incidentRecordArn"])

    async def update_incident(self, arn: str, token: str, **changes: Any) -> None:
        await self.gateway.call(
            INCIDENTS, "update_incident_record", arn=arn, clientToken=token, **changes
        )

    # -- related items -----------------------------------------------------------
    async def related_items(self, arn: str) -> list[RelatedItem]:
        items = await self.gateway.pages(
            INCIDENTS, "list_related_items", "relatedItems", incidentRecordArn=arn
        )
        return [_related_item(item) for item in items]

    async def add_related_item(self, arn: str, item: RelatedItem, token: str) -> None:
        payload: dict[str, Any] = {"identifier": _identifier(item)}
        if item.title:
            payload["title"] = item.title[:200]
        await self._update_related_items(arn, token, {"itemToAdd": payload})

    async def remove_related_item(self, arn: str, item: RelatedItem, token: str) -> None:
        await self._update_related_items(arn, token, {"itemToRemove": _identifier(item)})

    async def _update_related_items(self, arn: str, token: str, change: dict[str, Any]) -> None:
        await self.gateway.call(
            INCIDENTS,
            "update_related_items",
            incidentRecordArn=arn,
            clientToken=token,
            relatedItemsUpdate=change,
        )

    # -- timeline events -----------------------------------------------------------
    async def create_timeline_event(
        self, arn: str, data: str, token: str, when: datetime | None = None
    ) -> str:
        """A custom event with ``data`` (JSON text); its id."""
        answer = await self.gateway.call(
            INCIDENTS,
            "create_timeline_event",
            incidentRecordArn=arn,
            eventTime=when or datetime.now(UTC),
            eventType=CUSTOM,
            eventData=data,
            clientToken=token,
        )
        return str(answer["eventId"])

    async def update_timeline_event(self, arn: str, event_id: str, data: str, token: str) -> None:
        await self.gateway.call(
            INCIDENTS,
            "update_timeline_event",
            incidentRecordArn=arn,
            eventId=event_id,
            eventData=data,
            clientToken=token,
        )

    async def delete_timeline_event(self, arn: str, event_id: str) -> None:
        await self.gateway.call(
            INCIDENTS, "delete_timeline_event", incidentRecordArn=arn, eventId=event_id
        )

    async def custom_events_between(self, arn: str, start: datetime, end: datetime) -> list[str]:
        """The ids of the custom events (people's notes) timed between ``start`` and ``end``."""
        summaries = await self.gateway.pages(
            INCIDENTS,
            "list_timeline_events",
            "eventSummaries",
            incidentRecordArn=arn,
            filters=[
                {"key": "eventType", "condition": {"equals": {"stringValues": [CUSTOM]}}},
                {"key": "eventTime", "condition": {"after": start}},
                {"key": "eventTime", "condition": {"before": end}},
            ],
            sortBy="EVENT_TIME",
            sortOrder="ASCENDING",
        )
        return [str(s["eventId"]) for s in summaries]

    async def timeline_event(self, arn: str, event_id: str) -> TimelineEntry:
        answer = await self.gateway.call(
            INCIDENTS, "get_timeline_event", incidentRecordArn=arn, eventId=event_id
        )
        event = answer["event"]
        return TimelineEntry(
            event["eventTime"],
            event["eventType"],
            readable(event.get("eventData", "")),
            event.get("eventId", event_id),
        )

    async def _with_data(self, arn: str, summaries: list[dict[str, Any]]) -> list[TimelineEntry]:
        """The events listed (summaries carry no data), each read in full, side by side."""
        return list(
            await asyncio.gather(*(self.timeline_event(arn, s["eventId"]) for s in summaries))
        )

    async def timeline_events(self, arn: str, count: int) -> list[TimelineEntry]:
        """The newest ``count`` events, newest first, with their data."""
        answer = await self.gateway.call(
            INCIDENTS,
            "list_timeline_events",
            incidentRecordArn=arn,
            sortBy="EVENT_TIME",
            sortOrder="DESCENDING",
            maxResults=count,
        )
        return await self._with_data(arn, answer.get("eventSummaries", [])[:count])

    async def whole_timeline(self, arn: str) -> list[TimelineEntry]:
        """Every event, oldest first, with its data and id (for a post-incident export)."""
        summaries = await self.gateway.pages(
            INCIDENTS,
            "list_timeline_events",
            "eventSummaries",
            incidentRecordArn=arn,
            sortBy="EVENT_TIME",
            sortOrder="ASCENDING",
        )
        return await self._with_data(arn, summaries)
