"""ssm-contacts' contacts (people, escalation plans, on-call schedules) and their
resource policies."""

from __future__ import annotations

import json
from copy import deepcopy
from typing import Any

from emulator.errors import ServiceError, contact_not_found, validation
from emulator.paging import contacts_page


class Contacts:
    """The contact operations of ``ContactsBackend``, which holds their state; a plan names
    rotations (``Rotations._rotation``) and channels (``ContactChannels._channel``)."""

    contacts: dict[str, dict[str, Any]]
    tags: dict[str, list[dict[str, str]]]
    policies: dict[str, str]  # contact ARN → its resource policy

    def _contact(self, ident: str) -> dict[str, Any]:
        arn = ident if ident.startswith("arn:") else self._arn("contact", ident)
        if arn not in self.contacts:
            raise contact_not_found("Contact", ident)
        return self.contacts[arn]

    def CreateContact(self, params: dict[str, Any]) -> dict[str, Any]:
        def create() -> dict[str, Any]:
            arn = self._arn("contact", params["Alias"])
            if arn in self.contacts:
                raise ServiceError(
                    "ConflictException",
                    f"Contact {params['Alias']} already exists.",
                    400,
                    ResourceId=arn,
                    ResourceType="CONTACT",
                )
            self._check_plan(params["Plan"])
            self.contacts[arn] = {
                "ContactArn": arn,
                "Alias": params["Alias"],
                "DisplayName": params.get("DisplayName"),
                "Type": params["Type"],
                "Plan": deepcopy(params["Plan"]),
            }
            self.tags[arn] = list(params.get("Tags") or [])
            return {"ContactArn": arn}

        return self._once("CreateContact", params, create)

    def _check_plan(self, plan: dict[str, Any]) -> None:
        for rotation in plan.get("RotationIds") or []:
            self._rotation(rotation)
        for stage in plan.get("Stages", []):
            for target in stage["Targets"]:
                if "ContactTargetInfo" in target:
                    self._contact(target["ContactTargetInfo"]["ContactId"])
                if "ChannelTargetInfo" in target:
                    self._channel(target["ChannelTargetInfo"]["ContactChannelId"])

    def GetContact(self, params: dict[str, Any]) -> dict[str, Any]:
        return deepcopy(self._contact(params["ContactId"]))

    def ListContacts(self, params: dict[str, Any]) -> dict[str, Any]:
        found = [
            {k: c[k] for k in ("ContactArn", "Alias", "DisplayName", "Type")}
            for c in self.contacts.values()
            if c["Alias"].startswith(params.get("AliasPrefix") or "")
            and params.get("Type") in (None, c["Type"])
        ]
        return contacts_page(found, params, "Contacts")

    def UpdateContact(self, params: dict[str, Any]) -> dict[str, Any]:
        contact = self._contact(params["ContactId"])
        if "Plan" in params:
            self._check_plan(params["Plan"])
            contact["Plan"] = deepcopy(params["Plan"])
        if "DisplayName" in params:
            contact["DisplayName"] = params["DisplayName"]
        return {}

    def DeleteContact(self, params: dict[str, Any]) -> dict[str, Any]:
        contact = self._contact(params["ContactId"])
        del self.contacts[contact["ContactArn"]]
        return {}

    def PutContactPolicy(self, params: dict[str, Any]) -> dict[str, Any]:
        contact = self._contact(params["ContactArn"])
        try:
            json.loads(params["Policy"])
        except ValueError:
            raise validation("The policy is not a JSON policy document.") from None
        self.policies[contact["ContactArn"]] = params["Policy"]
        return {}

    def GetContactPolicy(self, params: dict[str, Any]) -> dict[str, Any]:
        contact = self._contact(params["ContactArn"])
        if contact["ContactArn"] not in self.policies:
            raise contact_not_found("Contact policy", contact["ContactArn"])
        return {"ContactArn": contact["ContactArn"], "Policy": self.policies[contact["ContactArn"]]}
