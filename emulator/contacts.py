"""ssm-contacts: contacts, channels, rotations, and engagements that page people over time."""

from __future__ import annotations

import json
import secrets
import uuid
from copy import deepcopy
from datetime import datetime, timedelta
from typing import Any

from emulator.backend import Backend
from emulator.clock import Clock
from emulator.errors import ServiceError, contact_not_found, validation
from emulator.paging import contacts_page
from emulator.rotations import Rotations


def _code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


class ContactsBackend(Rotations, Backend):
    """The Contacts side of one account: who to page, how, and what was paged."""

    STATE = (
        "contacts",
        "channels",
        "rotations",
        "overrides",
        "engagements",
        "pages",
        "sent",
        "tags",
        "policies",
    )
    TOKEN_FIELD = "IdempotencyToken"

    def __init__(
        self, clock: Clock, account_id: str = "111122223333", region: str = "us-east-1"
    ) -> None:
        super().__init__()
        self.clock = clock
        self.account_id = account_id
        self.region = region
        self.contacts: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.rotations: dict[str, dict[str, Any]] = {}
        self.overrides: dict[str, dict[str, Any]] = {}  # override id → its rotation's override
        self.engagements: dict[str, dict[str, Any]] = {}
        self.pages: dict[str, dict[str, Any]] = {}
        self.sent: list[dict[str, Any]] = []
        self.tags: dict[str, list[dict[str, str]]] = {}
        self.policies: dict[str, str] = {}  # contact ARN → its resource policy

    def _arn(self, kind: str, name: str) -> str:
        return f"arn:aws:ssm-contacts:{self.region}:{self.account_id}:{kind}/{name}"

    def contact_arn(self, alias: str) -> str:
        return self._arn("contact", alias)

    def rotation_arn(self, name: str) -> str:
        return self._arn("rotation", name)

    # -- contacts ----------------------------------------------------------
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

    # -- channels ----------------------------------------------------------
    def _channel(self, ident: str) -> dict[str, Any]:
        if ident not in self.channels:
            raise contact_not_found("Contact channel", ident)
        return self.channels[ident]

    def CreateContactChannel(self, params: dict[str, Any]) -> dict[str, Any]:
        def create() -> dict[str, Any]:
            contact = self._contact(params["ContactId"])
            arn = self._arn("contact-channel", f"{contact['Alias']}/{uuid.uuid4()}")
            self.channels[arn] = {
                "ContactChannelArn": arn,
                "ContactArn": contact["ContactArn"],
                "Name": params["Name"],
                "Type": params["Type"],
                "DeliveryAddress": deepcopy(params["DeliveryAddress"]),
                "ActivationStatus": "NOT_ACTIVATED",
                "code": None,
            }
            if not params.get("DeferActivation"):
                self.SendActivationCode({"ContactChannelId": arn})
            return {"ContactChannelArn": arn}

        return self._once("CreateContactChannel", params, create)

    def _public_channel(self, channel: dict[str, Any]) -> dict[str, Any]:
        return {k: deepcopy(v) for k, v in channel.items() if k != "code"}

    def GetContactChannel(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._public_channel(self._channel(params["ContactChannelId"]))

    def ListContactChannels(self, params: dict[str, Any]) -> dict[str, Any]:
        contact = self._contact(params["ContactId"])
        found = [
            self._public_channel(c)
            for c in self.channels.values()
            if c["ContactArn"] == contact["ContactArn"]
        ]
        return contacts_page(found, params, "ContactChannels")

    def UpdateContactChannel(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params["ContactChannelId"])
        for key in ("Name", "DeliveryAddress"):
            if key in params:
                channel[key] = deepcopy(params[key])
        return {}

    def DeleteContactChannel(self, params: dict[str, Any]) -> dict[str, Any]:
        del self.channels[self._channel(params["ContactChannelId"])["ContactChannelArn"]]
        return {}

    def SendActivationCode(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params["ContactChannelId"])
        channel["code"] = _code()
        self.sent.append(
            {
                "kind": "activation",
                "contact_channel_arn": channel["ContactChannelArn"],
                "activation_code": channel["code"],
            }
        )
        return {}

    def ActivateContactChannel(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params["ContactChannelId"])
        if channel["code"] is None or params["ActivationCode"] != channel["code"]:
            raise validation("The activation code is not valid for this contact channel.")
        channel["ActivationStatus"] = "ACTIVATED"
        return {}

    def DeactivateContactChannel(self, params: dict[str, Any]) -> dict[str, Any]:
        self._channel(params["ContactChannelId"])["ActivationStatus"] = "NOT_ACTIVATED"
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

    # -- engagements and pages -----------------------------------------------
    def _engagement(self, ident: str) -> dict[str, Any]:
        if ident not in self.engagements:
            raise contact_not_found("Engagement", ident)
        return self.engagements[ident]

    def _page(self, ident: str) -> dict[str, Any]:
        if ident not in self.pages:
            raise contact_not_found("Page", ident)
        return self.pages[ident]

    def StartEngagement(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._once("StartEngagement", params, lambda: self._engage(params))

    def _engage(self, params: dict[str, Any]) -> dict[str, Any]:
        contact = self._contact(params["ContactId"])
        arn = self._arn("engagement", f"{contact['Alias']}/{uuid.uuid4()}")
        now = self.clock.now()
        if contact["Type"] == "ESCALATION":
            stages = [
                [
                    (t["ContactTargetInfo"]["ContactId"], t["ContactTargetInfo"]["IsEssential"])
                    for t in stage["Targets"]
                    if "ContactTargetInfo" in t
                ]
                for stage in contact["Plan"].get("Stages", [])
            ]
            durations = [stage["DurationInMinutes"] for stage in contact["Plan"]["Stages"]]
        elif contact["Type"] == "ONCALL_SCHEDULE":
            on_call = [c for r in contact["Plan"].get("RotationIds", []) for c in self._on_call(r)]
            stages, durations = [[(c, True) for c in on_call[:1]]], [0]
        else:
            stages, durations = [[(contact["ContactArn"], True)]], [0]
        self.engagements[arn] = {
            "EngagementArn": arn,
            "ContactArn": contact["ContactArn"],
            **{
                k: params.get(k)
                for k in (
                    "Sender",
                    "Subject",
                    "Content",
                    "PublicSubject",
                    "PublicContent",
                    "IncidentId",
                )
            },
            "StartTime": now,
            "StopTime": None,
            "stages": stages,
            "durations": durations,
            "next_stage": 0,
        }
        self.tick()
        return {"EngagementArn": arn}

    def _stage_due(self, engagement: dict[str, Any], stage: int) -> datetime:
        minutes = sum(engagement["durations"][:stage])
        return engagement["StartTime"] + timedelta(minutes=minutes)

    def tick(self) -> None:
        """Send every stage and receipt that has come due on the clock."""
        now = self.clock.now()
        for engagement in list(self.engagements.values()):
            while (
                engagement["StopTime"] is None
                and engagement["next_stage"] < len(engagement["stages"])
                and self._stage_due(engagement, engagement["next_stage"]) <= now
            ):
                due = self._stage_due(engagement, engagement["next_stage"])
                for contact_arn, essential in engagement["stages"][engagement["next_stage"]]:
                    self._send_page(engagement, self._contact(contact_arn), essential, due)
                engagement["next_stage"] += 1
        for page in self.pages.values():
            self._receipts_due(page, now)

    def _send_page(
        self, engagement: dict[str, Any], contact: dict[str, Any], essential: bool, when: datetime
    ) -> None:
        arn = self._arn("page", f"{contact['Alias']}/{uuid.uuid4()}")
        page = {
            "PageArn": arn,
            "EngagementArn": engagement["EngagementArn"],
            "ContactArn": contact["ContactArn"],
            **{
                k: engagement[k]
                for k in (
                    "Sender",
                    "Subject",
                    "Content",
                    "PublicSubject",
                    "PublicContent",
                    "IncidentId",
                )
            },
            "SentTime": when,
            "DeliveryTime": None,
            "ReadTime": None,
            "essential": essential,
            "accept_code": _code(),
            "receipts": [],
            "channel_stage": 0,
            "stage": engagement["next_stage"],
        }
        self.pages[arn] = page
        self.sent.append(
            {
                "kind": "page",
                "page_arn": arn,
                "engagement_arn": engagement["EngagementArn"],
                "contact_arn": contact["ContactArn"],
                "contact_alias": contact["Alias"],
                "subject": engagement["Subject"],
                "content": engagement["Content"],
                "accept_code": page["accept_code"],
                "sent_time": when.isoformat(),
                "incident_id": engagement["IncidentId"],
            }
        )

    def _receipts_due(self, page: dict[str, Any], now: datetime) -> None:
        contact = self.contacts.get(page["ContactArn"])
        stages = (contact or {}).get("Plan", {}).get("Stages", []) if contact else []
        if contact is None or contact["Type"] != "PERSONAL":
            return
        while page["ReadTime"] is None and page["channel_stage"] < len(stages):
            offset = sum(s["DurationInMinutes"] for s in stages[: page["channel_stage"]])
            due = page["SentTime"] + timedelta(minutes=offset)
            if due > now:
                return
            for target in stages[page["channel_stage"]]["Targets"]:
                channel = target.get("ChannelTargetInfo", {}).get("ContactChannelId")
                for kind in ("SENT", "DELIVERED"):
                    page["receipts"].append(
                        {
                            "ContactChannelArn": channel,
                            "ReceiptType": kind,
                            "ReceiptInfo": f"{kind.title()} by the emulator",
                            "ReceiptTime": due,
                        }
                    )
            page["channel_stage"] += 1

    def StopEngagement(self, params: dict[str, Any]) -> dict[str, Any]:
        engagement = self._engagement(params["EngagementId"])
        if engagement["StopTime"] is None:
            engagement["StopTime"] = self.clock.now()
            for page in self.pages.values():
                if page["EngagementArn"] == engagement["EngagementArn"]:
                    page["receipts"].append(
                        {
                            "ReceiptType": "STOP",
                            "ReceiptTime": engagement["StopTime"],
                            "ReceiptInfo": params.get("Reason") or "Stopped",
                        }
                    )
        return {}

    def DescribeEngagement(self, params: dict[str, Any]) -> dict[str, Any]:
        engagement = self._engagement(params["EngagementId"])
        return {k: v for k, v in engagement.items() if k[0].isupper()}

    def ListEngagements(self, params: dict[str, Any]) -> dict[str, Any]:
        window = params.get("TimeRangeValue") or {}
        found = [
            {
                k: e[k]
                for k in (
                    "EngagementArn",
                    "ContactArn",
                    "Sender",
                    "IncidentId",
                    "StartTime",
                    "StopTime",
                )
            }
            for e in self.engagements.values()
            if params.get("IncidentId") in (None, e["IncidentId"])
            and ("StartTime" not in window or e["StartTime"] >= window["StartTime"])
            and ("EndTime" not in window or e["StartTime"] <= window["EndTime"])
        ]
        return contacts_page(found, params, "Engagements")

    def _summary(self, page: dict[str, Any]) -> dict[str, Any]:
        return {
            k: page[k]
            for k in (
                "PageArn",
                "EngagementArn",
                "ContactArn",
                "Sender",
                "IncidentId",
                "SentTime",
                "DeliveryTime",
                "ReadTime",
            )
        }

    def ListPagesByEngagement(self, params: dict[str, Any]) -> dict[str, Any]:
        engagement = self._engagement(params["EngagementId"])
        return self._pages_where("EngagementArn", engagement["EngagementArn"], params)

    def ListPagesByContact(self, params: dict[str, Any]) -> dict[str, Any]:
        contact = self._contact(params["ContactId"])
        return self._pages_where("ContactArn", contact["ContactArn"], params)

    def _pages_where(self, field: str, arn: str, params: dict[str, Any]) -> dict[str, Any]:
        found = [self._summary(p) for p in self.pages.values() if p[field] == arn]
        return contacts_page(found, params, "Pages")

    def DescribePage(self, params: dict[str, Any]) -> dict[str, Any]:
        page = self._page(params["PageId"])
        return {k: v for k, v in page.items() if k[0].isupper()}

    def ListPageResolutions(self, params: dict[str, Any]) -> dict[str, Any]:
        """How the page's engagement reached its contact: plan (stage) or schedule, then them."""
        page = self._page(params["PageId"])
        engaged = self._contact(self._engagement(page["EngagementArn"])["ContactArn"])
        path = [{"ContactArn": engaged["ContactArn"], "Type": engaged["Type"]}]
        if engaged["Type"] == "ESCALATION":
            path[0]["StageIndex"] = page.get("stage", 0)
        if page["ContactArn"] != engaged["ContactArn"]:
            reached = self.contacts.get(page["ContactArn"], {"Type": "PERSONAL"})
            path.append({"ContactArn": page["ContactArn"], "Type": reached["Type"]})
        return contacts_page(path, params, "PageResolutions")

    def ListPageReceipts(self, params: dict[str, Any]) -> dict[str, Any]:
        page = self._page(params["PageId"])
        return contacts_page(deepcopy(page["receipts"]), params, "Receipts")

    def AcceptPage(self, params: dict[str, Any]) -> dict[str, Any]:
        page = self._page(params["PageId"])
        enforce = params.get("AcceptCodeValidation", "ENFORCE") == "ENFORCE"
        if enforce and params["AcceptCode"] != page["accept_code"]:
            raise validation("The accept code is not valid for this page.")
        now = self.clock.now()
        kind = params["AcceptType"]
        page["DeliveryTime"] = page["DeliveryTime"] or now
        page["receipts"].append(
            {
                "ContactChannelArn": params.get("ContactChannelId"),
                "ReceiptType": kind,
                "ReceiptTime": now,
                "ReceiptInfo": params.get("Note") or f"Accepted ({kind})",
            }
        )
        if kind == "READ":
            page["ReadTime"] = page["ReadTime"] or now
            engagement = self.engagements[page["EngagementArn"]]
            if page["essential"] and engagement["StopTime"] is None:
                engagement["StopTime"] = now
        return {}

    # -- tags and the operator's view ----------------------------------------
    def ListTagsForResource(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"Tags": list(self.tags.get(params["ResourceARN"], []))}

    def TagResource(self, params: dict[str, Any]) -> dict[str, Any]:
        self.tags.setdefault(params["ResourceARN"], []).extend(params["Tags"])
        return {}

    def UntagResource(self, params: dict[str, Any]) -> dict[str, Any]:
        self.tags[params["ResourceARN"]] = [
            t for t in self.tags.get(params["ResourceARN"], []) if t["Key"] not in params["TagKeys"]
        ]
        return {}

    def outbox(self) -> list[dict[str, Any]]:
        """What AWS would have sent out of band: pages with accept codes, activation codes."""
        return deepcopy(self.sent)
