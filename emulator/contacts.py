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
from emulator.errors import ServiceError, validation
from emulator.paging import page_of


def _missing(kind: str, ident: str) -> ServiceError:
    return ServiceError(
        "ResourceNotFoundException",
        f"{kind} {ident} was not found.",
        400,
        ResourceId=ident,
        ResourceType=kind.upper().replace(" ", "_"),
    )


def _code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


class ContactsBackend(Backend):
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
            raise _missing("Contact", ident)
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
        return _listed(found, params, "Contacts")

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
            raise _missing("Contact channel", ident)
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
        return _listed(found, params, "ContactChannels")

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
            raise _missing("Contact policy", contact["ContactArn"])
        return {"ContactArn": contact["ContactArn"], "Policy": self.policies[contact["ContactArn"]]}

    # -- rotations ---------------------------------------------------------
    def _rotation(self, ident: str) -> dict[str, Any]:
        if ident not in self.rotations:
            raise _missing("Rotation", ident)
        return self.rotations[ident]

    def CreateRotation(self, params: dict[str, Any]) -> dict[str, Any]:
        def create() -> dict[str, Any]:
            arn = self._arn("rotation", params["Name"])
            contact_arns = [self._contact(c)["ContactArn"] for c in params["ContactIds"]]
            self.rotations[arn] = {
                "RotationArn": arn,
                "Name": params["Name"],
                "ContactIds": contact_arns,
                "StartTime": params.get("StartTime") or self.clock.now(),
                "TimeZoneId": params["TimeZoneId"],
                "Recurrence": deepcopy(params["Recurrence"]),
            }
            return {"RotationArn": arn}

        return self._once("CreateRotation", params, create)

    def GetRotation(self, params: dict[str, Any]) -> dict[str, Any]:
        return deepcopy(self._rotation(params["RotationId"]))

    def ListRotations(self, params: dict[str, Any]) -> dict[str, Any]:
        found = [
            deepcopy(r)
            for r in self.rotations.values()
            if r["Name"].startswith(params.get("RotationNamePrefix") or "")
        ]
        return _listed(found, params, "Rotations")

    def DeleteRotation(self, params: dict[str, Any]) -> dict[str, Any]:
        arn = self._rotation(params["RotationId"])["RotationArn"]
        del self.rotations[arn]
        for override in self._overrides_of(arn):
            del self.overrides[override["RotationOverrideId"]]
        return {}

    def UpdateRotation(self, params: dict[str, Any]) -> dict[str, Any]:
        rotation = self._rotation(params["RotationId"])
        if "ContactIds" in params:
            rotation["ContactIds"] = [self._contact(c)["ContactArn"] for c in params["ContactIds"]]
        for key in ("StartTime", "TimeZoneId", "Recurrence"):
            if key in params:
                rotation[key] = deepcopy(params[key])
        return {}

    def ListPreviewRotationShifts(self, params: dict[str, Any]) -> dict[str, Any]:
        """The shifts a rotation would have: nothing is created."""
        start, end = params.get("StartTime") or self.clock.now(), params["EndTime"]
        _check_window(start, end)
        rotation = {
            "ContactIds": list(params["Members"]),
            "StartTime": params.get("RotationStartTime") or self.clock.now(),
            "Recurrence": params["Recurrence"],
        }
        overrides = sorted(
            (
                {"NewContactIds": o.get("NewMembers") or [], **o}
                for o in params.get("Overrides") or []
                if o.get("StartTime") and o.get("EndTime")
            ),
            key=lambda o: o["StartTime"],
        )
        shifts = list(_shifts_with(rotation, overrides, start, end))
        return _listed(shifts, params, "RotationShifts")

    # -- rotation overrides ------------------------------------------------------
    def _overrides_of(self, rotation_arn: str) -> list[dict[str, Any]]:
        found = [o for o in self.overrides.values() if o["RotationArn"] == rotation_arn]
        return sorted(found, key=lambda o: o["StartTime"])

    def _override(self, params: dict[str, Any]) -> dict[str, Any]:
        rotation = self._rotation(params["RotationId"])
        override = self.overrides.get(params["RotationOverrideId"])
        if override is None or override["RotationArn"] != rotation["RotationArn"]:
            raise _missing("Rotation override", params["RotationOverrideId"])
        return override

    def CreateRotationOverride(self, params: dict[str, Any]) -> dict[str, Any]:
        def create() -> dict[str, Any]:
            rotation = self._rotation(params["RotationId"])
            _check_window(params["StartTime"], params["EndTime"])
            override_id = str(uuid.uuid4())
            self.overrides[override_id] = {
                "RotationOverrideId": override_id,
                "RotationArn": rotation["RotationArn"],
                "NewContactIds": [self._contact(c)["ContactArn"] for c in params["NewContactIds"]],
                "StartTime": params["StartTime"],
                "EndTime": params["EndTime"],
                "CreateTime": self.clock.now(),
            }
            return {"RotationOverrideId": override_id}

        return self._once("CreateRotationOverride", params, create)

    def GetRotationOverride(self, params: dict[str, Any]) -> dict[str, Any]:
        return deepcopy(self._override(params))

    def DeleteRotationOverride(self, params: dict[str, Any]) -> dict[str, Any]:
        del self.overrides[self._override(params)["RotationOverrideId"]]
        return {}

    def ListRotationOverrides(self, params: dict[str, Any]) -> dict[str, Any]:
        rotation = self._rotation(params["RotationId"])
        start, end = params["StartTime"], params["EndTime"]
        _check_window(start, end)
        found = [
            {k: deepcopy(v) for k, v in o.items() if k != "RotationArn"}
            for o in self._overrides_of(rotation["RotationArn"])
            if o["StartTime"] < end and o["EndTime"] > start
        ]
        return _listed(found, params, "RotationOverrides")

    def ListRotationShifts(self, params: dict[str, Any]) -> dict[str, Any]:
        rotation = self._rotation(params["RotationId"])
        start, end = params.get("StartTime") or self.clock.now(), params["EndTime"]
        _check_window(start, end)
        return _listed(list(self._shifts(rotation, start, end)), params, "RotationShifts")

    def _shifts(self, rotation: dict[str, Any], start: datetime, end: datetime) -> Any:
        """The rotation's shifts over ``[start, end)``, its overrides cut in."""
        return _shifts_with(rotation, self._overrides_of(rotation["RotationArn"]), start, end)

    def _on_call(self, rotation_arn: str) -> list[str]:
        now = self.clock.now()
        shifts = self._shifts(self._rotation(rotation_arn), now, now + timedelta(seconds=1))
        current = next((s for s in shifts if s["StartTime"] <= now < s["EndTime"]), None)
        return current["ContactIds"] if current else []

    # -- engagements and pages -----------------------------------------------
    def _engagement(self, ident: str) -> dict[str, Any]:
        if ident not in self.engagements:
            raise _missing("Engagement", ident)
        return self.engagements[ident]

    def _page(self, ident: str) -> dict[str, Any]:
        if ident not in self.pages:
            raise _missing("Page", ident)
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
        return _listed(found, params, "Engagements")

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
        return _listed(found, params, "Pages")

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
        return _listed(path, params, "PageResolutions")

    def ListPageReceipts(self, params: dict[str, Any]) -> dict[str, Any]:
        page = self._page(params["PageId"])
        return _listed(deepcopy(page["receipts"]), params, "Receipts")

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


def _shifts(rotation: dict[str, Any], start: datetime, end: datetime) -> Any:
    """Consecutive shifts of a daily or weekly rotation overlapping ``[start, end)``."""
    recurrence = rotation["Recurrence"]
    days = 7 if recurrence.get("WeeklySettings") else 1
    length = timedelta(days=days * recurrence.get("RecurrenceMultiplier", 1))
    people = rotation["ContactIds"]
    on_calls = recurrence.get("NumberOfOnCalls", 1)
    index = max(0, int((start - rotation["StartTime"]) / length))
    while True:
        shift_start = rotation["StartTime"] + index * length
        if shift_start >= end:
            return
        if shift_start + length > start:
            first = (index * on_calls) % len(people)
            yield {
                "ContactIds": [people[(first + i) % len(people)] for i in range(on_calls)],
                "StartTime": shift_start,
                "EndTime": shift_start + length,
                "Type": "REGULAR",
            }
        index += 1


def _shifts_with(
    rotation: dict[str, Any], overrides: list[dict[str, Any]], start: datetime, end: datetime
) -> Any:
    """A rotation's shifts over ``[start, end)`` with ``overrides`` cut in as OVERRIDDEN."""
    if not rotation["ContactIds"]:
        return
    for shift in _shifts(rotation, start, end):
        for piece in _overridden(shift, overrides):
            if piece["StartTime"] < end and piece["EndTime"] > start:
                yield piece


def _overridden(shift: dict[str, Any], overrides: list[dict[str, Any]]) -> Any:
    """``shift`` cut where overrides (sorted by start) replace its people."""
    cursor = shift["StartTime"]
    for override in overrides:
        begin, finish = (
            max(override["StartTime"], cursor),
            min(override["EndTime"], shift["EndTime"]),
        )
        if begin >= finish:
            continue
        if cursor < begin:
            yield {**shift, "StartTime": cursor, "EndTime": begin}
        yield {
            "ContactIds": list(override["NewContactIds"]),
            "StartTime": begin,
            "EndTime": finish,
            "Type": "OVERRIDDEN",
            "ShiftDetails": {"OverriddenContactIds": list(shift["ContactIds"])},
        }
        cursor = finish
    if cursor < shift["EndTime"]:
        yield {**shift, "StartTime": cursor}


def _check_window(start: datetime, end: datetime) -> None:
    if end <= start:
        raise validation("EndTime must be after StartTime.")


def _listed(found: list[dict[str, Any]], params: dict[str, Any], key: str) -> dict[str, Any]:
    """One page of ``found`` under ``key``, with ssm-contacts' NextToken and MaxResults."""
    return page_of(found, params, key, "NextToken", "MaxResults")
