"""ssm-incidents' response plans and the resource policies that share them."""

from __future__ import annotations

import json
import uuid
from copy import deepcopy
from typing import Any

from emulator.errors import conflict, incident_resource, not_found, validation
from emulator.paging import page_of


class ResponsePlans:
    """The response plan operations of ``IncidentsBackend``."""

    plans: dict[str, dict[str, Any]]
    policies: dict[str, dict[str, str]]  # response plan → policy id → document
    tags: dict[str, dict[str, str]]
    region: str

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
        return incident_resource(self.plans, "Response plan", arn)

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
