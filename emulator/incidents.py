"""ssm-incidents: replication sets, response plans, incident records, related items, timeline."""

from __future__ import annotations

import json
import uuid
from copy import deepcopy
from datetime import datetime
from typing import Any

from emulator.backend import Backend
from emulator.clock import Clock
from emulator.errors import ServiceError, conflict, not_found, validation
from emulator.paging import page_of

RECORD_UPDATE = "SSM Incident Record Update"
TRIGGER = "SSM Incident Trigger"


def _plan_name(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


class IncidentsBackend(Backend):
    """The state and behaviour of one account's Incident Manager."""

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

    # -- replication set ---------------------------------------------------
    def CreateReplicationSet(self, params: dict[str, Any]) -> dict[str, Any]:
        def create() -> dict[str, Any]:
            if self.replication_sets:
                raise conflict("A replication set already exists in this account.")
            arn = self._arn("replication-set", uuid.uuid4().hex[:24])
            now = self.clock.now()
            self.replication_sets[arn] = {
                "arn": arn,
                "regionMap": {
                    region: {
                        "status": "ACTIVE",
                        "statusUpdateDateTime": now,
                        "sseKmsKeyId": spec.get("sseKmsKeyId", "DefaultKey"),
                    }
                    for region, spec in params["regions"].items()
                },
                "status": "ACTIVE",
                "deletionProtected": False,
                "createdBy": "emulator",
                "createdTime": now,
                "lastModifiedBy": "emulator",
                "lastModifiedTime": now,
            }
            self.tags[arn] = dict(params.get("tags") or {})
            return {"arn": arn}

        return self._once("CreateReplicationSet", params, create)

    def _replication_set(self, arn: str) -> dict[str, Any]:
        if arn not in self.replication_sets:
            raise not_found(f"Replication set {arn} not found.")
        return self.replication_sets[arn]

    def GetReplicationSet(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"replicationSet": self._replication_set(params["arn"])}

    def UpdateReplicationSet(self, params: dict[str, Any]) -> dict[str, Any]:
        def update() -> dict[str, Any]:
            replication_set = self._replication_set(params["arn"])
            regions = deepcopy(replication_set["regionMap"])
            now = self.clock.now()
            for action in params["actions"]:
                if added := action.get("addRegionAction"):
                    if added["regionName"] in regions:
                        raise validation(f"Region {added['regionName']} is already replicated.")
                    regions[added["regionName"]] = {
                        "status": "ACTIVE",
                        "statusUpdateDateTime": now,
                        "sseKmsKeyId": added.get("sseKmsKeyId", "DefaultKey"),
                    }
                elif deleted := action.get("deleteRegionAction"):
                    if deleted["regionName"] not in regions:
                        raise validation(f"Region {deleted['regionName']} is not replicated.")
                    del regions[deleted["regionName"]]
                else:
                    raise validation("Each action needs addRegionAction or deleteRegionAction.")
            if not regions:
                raise validation(
                    "The last region cannot be deleted: delete the replication set instead."
                )
            replication_set.update(regionMap=regions, lastModifiedTime=now)
            return {}

        return self._once("UpdateReplicationSet", params, update)

    def UpdateDeletionProtection(self, params: dict[str, Any]) -> dict[str, Any]:
        replication_set = self._replication_set(params["arn"])
        replication_set["deletionProtected"] = params["deletionProtected"]
        replication_set["lastModifiedTime"] = self.clock.now()
        return {}

    def ListReplicationSets(self, params: dict[str, Any]) -> dict[str, Any]:
        return page_of(list(self.replication_sets), params, "replicationSetArns")

    def DeleteReplicationSet(self, params: dict[str, Any]) -> dict[str, Any]:
        if self._replication_set(params["arn"])["deletionProtected"]:
            raise validation(
                "Deletion protection is on: turn it off with UpdateDeletionProtection first."
            )
        del self.replication_sets[params["arn"]]
        return {}

    # -- response plans ----------------------------------------------------
    def CreateResponsePlan(self, params: dict[str, Any]) -> dict[str, Any]:
        def create() -> dict[str, Any]:
            arn = self._arn("response-plan", params["name"])
            if arn in self.plans:
                raise conflict(f"Response plan {params['name']} already exists.")
            self.plans[arn] = {
                "arn": arn,
                **{k: v for k, v in params.items() if k not in ("clientToken", "tags")},
            }
            self.tags[arn] = dict(params.get("tags") or {})
            return {"arn": arn}

        return self._once("CreateResponsePlan", params, create)

    def _plan(self, arn: str) -> dict[str, Any]:
        if arn not in self.plans:
            raise not_found(
                f"Response plan {arn} not found.",
                resourceIdentifier=arn,
                resourceType="RESPONSE_PLAN",
            )
        return self.plans[arn]

    def PutResourcePolicy(self, params: dict[str, Any]) -> dict[str, Any]:
        self._plan(params["resourceArn"])
        try:
            json.loads(params["policy"])
        except ValueError:
            raise validation("The policy is not a JSON policy document.") from None
        policy_id = uuid.uuid4().hex
        self.policies.setdefault(params["resourceArn"], {})[policy_id] = params["policy"]
        return {"policyId": policy_id}

    def GetResourcePolicies(self, params: dict[str, Any]) -> dict[str, Any]:
        self._plan(params["resourceArn"])
        found = [
            {"policyId": ident, "policyDocument": document, "ramResourceShareRegion": self.region}
            for ident, document in self.policies.get(params["resourceArn"], {}).items()
        ]
        return page_of(found, params, "resourcePolicies")

    def DeleteResourcePolicy(self, params: dict[str, Any]) -> dict[str, Any]:
        self._plan(params["resourceArn"])
        if self.policies.get(params["resourceArn"], {}).pop(params["policyId"], None) is None:
            raise not_found(
                f"Resource policy {params['policyId']} not found.",
                resourceIdentifier=params["policyId"],
                resourceType="RESOURCE_POLICY",
            )
        return {}

    def GetResponsePlan(self, params: dict[str, Any]) -> dict[str, Any]:
        return deepcopy(self._plan(params["arn"]))

    def ListResponsePlans(self, params: dict[str, Any]) -> dict[str, Any]:
        summaries = [
            {"arn": p["arn"], "name": p["name"], "displayName": p.get("displayName")}
            for p in self.plans.values()
        ]
        return page_of(summaries, params, "responsePlanSummaries")

    def UpdateResponsePlan(self, params: dict[str, Any]) -> dict[str, Any]:
        plan = self._plan(params["arn"])
        template = plan.setdefault("incidentTemplate", {})
        for key in ("Title", "Impact", "Summary", "DedupeString", "NotificationTargets", "Tags"):
            if f"incidentTemplate{key}" in params:
                name = "incidentTags" if key == "Tags" else key[0].lower() + key[1:]
                template[name] = params[f"incidentTemplate{key}"]
        for key in ("displayName", "chatChannel", "engagements", "actions", "integrations"):
            if key in params:
                plan[key] = params[key]
        return {}

    def DeleteResponsePlan(self, params: dict[str, Any]) -> dict[str, Any]:
        self.plans.pop(params["arn"], None)
        return {}

    # -- incident records --------------------------------------------------
    def _incident(self, arn: str) -> dict[str, Any]:
        if arn not in self.incidents:
            raise not_found(
                f"Incident record {arn} not found.",
                resourceIdentifier=arn,
                resourceType="INCIDENT_RECORD",
            )
        return self.incidents[arn]

    def StartIncident(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._once("StartIncident", params, lambda: self._start(params))

    def _start(self, params: dict[str, Any]) -> dict[str, Any]:
        plan = self._plan(params["responsePlanArn"])
        template = plan["incidentTemplate"]
        now = self.clock.now()
        arn = self._arn("incident-record", f"{plan['name']}/{uuid.uuid4().hex[:32]}")
        trigger = params.get("triggerDetails") or {}
        record = {
            "arn": arn,
            "title": params.get("title") or template["title"],
            "summary": template.get("summary"),
            "impact": params.get("impact") or template["impact"],
            "status": "OPEN",
            "creationTime": now,
            "lastModifiedTime": now,
            "lastModifiedBy": f"arn:aws:sts::{self.account_id}:assumed-role/emulator",
            "dedupeString": template.get("dedupeString") or arn,
            "chatChannel": deepcopy(plan.get("chatChannel")),
            "notificationTargets": deepcopy(template.get("notificationTargets", [])),
            "automationExecutions": [],
            "incidentRecordSource": {
                "createdBy": f"arn:aws:sts::{self.account_id}:assumed-role/emulator",
                "invokedBy": trigger.get("triggerArn"),
                "resourceArn": trigger.get("triggerArn"),
                "source": trigger.get("source", "aws.ssm-incidents.custom"),
            },
        }
        self.incidents[arn] = record
        self.related[arn] = []
        self.events[arn] = {}
        self.tags[arn] = dict(template.get("incidentTags") or {})
        for item in params.get("relatedItems") or []:
            self._add_item(arn, item)
        self._event(
            arn,
            TRIGGER,
            {
                "title": record["title"],
                "impact": record["impact"],
                "source": record["incidentRecordSource"]["source"],
            },
        )
        if self.contacts is not None:
            for contact_arn in plan.get("engagements") or []:
                self.contacts.StartEngagement(
                    {
                        "ContactId": contact_arn,
                        "Sender": "Incident Manager",
                        "Subject": f"Incident: {record['title']}",
                        "Content": f"Impact {record['impact']}: {record['title']} ({arn})",
                        "IncidentId": arn,
                        "IdempotencyToken": f"{arn}:{contact_arn}"[-2048:],
                    }
                )
        return {"incidentRecordArn": arn}

    def ListIncidentFindings(self, params: dict[str, Any]) -> dict[str, Any]:
        """Findings come from deployment integrations (CodeDeploy, CloudFormation) the emulator
        does not run, so an incident has none."""
        self._incident(params["incidentRecordArn"])
        return page_of([], params, "findings")

    def BatchGetIncidentFindings(self, params: dict[str, Any]) -> dict[str, Any]:
        self._incident(params["incidentRecordArn"])
        missing = [
            {"findingId": ident, "code": "NotFound", "message": f"Finding {ident} not found."}
            for ident in params["findingIds"]
        ]
        return {"findings": [], "errors": missing}

    def GetIncidentRecord(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"incidentRecord": deepcopy(self._incident(params["arn"]))}

    def DeleteIncidentRecord(self, params: dict[str, Any]) -> dict[str, Any]:
        self.incidents.pop(params["arn"], None)
        return {}

    def UpdateIncidentRecord(self, params: dict[str, Any]) -> dict[str, Any]:
        def update() -> dict[str, Any]:
            record = self._incident(params["arn"])
            changed = {}
            for key in (
                "title",
                "summary",
                "impact",
                "status",
                "chatChannel",
                "notificationTargets",
            ):
                if key in params and params[key] != record.get(key):
                    changed[key] = params[key]
            now = self.clock.now()
            record.update(changed)
            if changed.get("status") == "RESOLVED":
                record["resolvedTime"] = now
            elif changed.get("status") == "OPEN":
                record.pop("resolvedTime", None)
            record["lastModifiedTime"] = now
            if changed:
                data = {
                    k: v
                    for k, v in changed.items()
                    if k in ("title", "summary", "impact", "status")
                }
                self._event(params["arn"], RECORD_UPDATE, {"modifiedAttributes": data})
            return {}

        return self._once("UpdateIncidentRecord", params, update)

    def ListIncidentRecords(self, params: dict[str, Any]) -> dict[str, Any]:
        records = [
            r
            for r in self.incidents.values()
            if all(_matches(r, f) for f in params.get("filters") or [])
        ]
        records.sort(key=lambda r: r["creationTime"], reverse=True)
        summaries = [
            {
                k: r.get(k)
                for k in (
                    "arn",
                    "title",
                    "status",
                    "impact",
                    "creationTime",
                    "resolvedTime",
                    "incidentRecordSource",
                )
            }
            for r in records
        ]
        return page_of(summaries, params, "incidentRecordSummaries")

    # -- related items -----------------------------------------------------
    def _add_item(self, arn: str, item: dict[str, Any]) -> None:
        items = self.related[arn]
        if any(existing["identifier"] == item["identifier"] for existing in items):
            raise conflict(
                "The related item already exists on this incident.",
                resourceIdentifier=arn,
                resourceType="INCIDENT_RECORD",
            )
        items.append(deepcopy(item))

    def UpdateRelatedItems(self, params: dict[str, Any]) -> dict[str, Any]:
        def update() -> dict[str, Any]:
            arn = params["incidentRecordArn"]
            self._incident(arn)
            change = params["relatedItemsUpdate"]
            if "itemToAdd" in change:
                self._add_item(arn, change["itemToAdd"])
            else:
                identifier = change["itemToRemove"]
                kept = [i for i in self.related[arn] if i["identifier"] != identifier]
                if len(kept) == len(self.related[arn]):
                    raise not_found(
                        "The related item is not on this incident.",
                        resourceIdentifier=arn,
                        resourceType="RELATED_ITEM",
                    )
                self.related[arn] = kept
            return {}

        return self._once("UpdateRelatedItems", params, update)

    def ListRelatedItems(self, params: dict[str, Any]) -> dict[str, Any]:
        self._incident(params["incidentRecordArn"])
        return page_of(self.related[params["incidentRecordArn"]], params, "relatedItems")

    # -- timeline ----------------------------------------------------------
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
        if event_id not in self.events[arn]:
            raise not_found(
                f"Timeline event {event_id} not found.",
                resourceIdentifier=event_id,
                resourceType="TIMELINE_EVENT",
            )
        return self.events[arn][event_id]

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
            if all(_matches(e, f) for f in params.get("filters") or [])
        ]
        events.sort(
            key=lambda e: e["eventTime"],
            reverse=params.get("sortOrder", "ASCENDING") == "DESCENDING",
        )
        summaries = [{k: v for k, v in e.items() if k != "eventData"} for e in events]
        return page_of(summaries, params, "eventSummaries")

    # -- tags --------------------------------------------------------------
    def _tagged(self, arn: str) -> dict[str, str]:
        if arn not in self.tags:
            raise not_found(
                f"Resource {arn} not found.", resourceIdentifier=arn, resourceType="RESOURCE"
            )
        return self.tags[arn]

    def TagResource(self, params: dict[str, Any]) -> dict[str, Any]:
        self._tagged(params["resourceArn"]).update(params["tags"])
        return {}

    def UntagResource(self, params: dict[str, Any]) -> dict[str, Any]:
        tags = self._tagged(params["resourceArn"])
        for key in params["tagKeys"]:
            tags.pop(key, None)
        return {}

    def ListTagsForResource(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"tags": dict(self._tagged(params["resourceArn"]))}


FILTER_KEYS = {
    "status",
    "impact",
    "creationTime",
    "resolvedTime",
    "createdBy",
    "eventTime",
    "eventType",
}


def _matches(item: dict[str, Any], filter_: dict[str, Any]) -> bool:
    key, condition = filter_["key"], filter_["condition"]
    if key not in FILTER_KEYS:
        raise validation(f"Filter key {key!r} is not supported.")
    value = item.get(key)
    if key == "createdBy":
        value = item.get("incidentRecordSource", {}).get("createdBy")
    if "before" in condition:
        return value is not None and value < condition["before"]
    if "after" in condition:
        return value is not None and value > condition["after"]
    equals = condition.get("equals", {})
    allowed = equals.get("stringValues") or equals.get("integerValues") or []
    return value in allowed


__all__ = ["IncidentsBackend", "ServiceError"]
