"""ssm-incidents' incident records: started (engaging the response plan's contacts), read,
updated, listed, deleted; the findings the emulator has none of."""

from __future__ import annotations

import uuid
from copy import deepcopy
from typing import Any

from emulator.clock import Clock
from emulator.errors import incident_resource
from emulator.incidents.filters import matches
from emulator.paging import page_of

RECORD_UPDATE = "SSM Incident Record Update"
TRIGGER = "SSM Incident Trigger"


class IncidentRecords:
    """The incident record operations of ``IncidentsBackend``, which holds their state; a
    record starts with the response plan (``ResponsePlans._plan``), its related items
    (``RelatedItems._add_item``) and its trigger on the timeline (``TimelineEvents._event``)."""

    incidents: dict[str, dict[str, Any]]
    related: dict[str, list[dict[str, Any]]]
    events: dict[str, dict[str, dict[str, Any]]]
    tags: dict[str, dict[str, str]]
    contacts: Any  # the Contacts backend a response plan's engagements start in
    clock: Clock
    account_id: str

    def _incident(self, arn: str) -> dict[str, Any]:
        return incident_resource(self.incidents, "Incident record", arn)

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
            if all(matches(r, f) for f in params.get("filters") or [])
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
