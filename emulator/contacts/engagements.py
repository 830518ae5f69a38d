"""ssm-contacts' engagements: a contact engaged, its plan's stages paged as the clock comes to
them, each page's receipts as its channels are tried."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from emulator.clock import Clock
from emulator.contacts.codes import code
from emulator.errors import contact_resource
from emulator.paging import contacts_page

# what an engagement says, as StartEngagement takes it and each of its pages carries it
MESSAGE = ("Sender", "Subject", "Content", "PublicSubject", "PublicContent", "IncidentId")


class Engagements:
    """The engagement operations of ``ContactsBackend``; who is on call for a schedule comes
    from ``Rotations._on_call``."""

    engagements: dict[str, dict[str, Any]]
    pages: dict[str, dict[str, Any]]
    contacts: dict[str, dict[str, Any]]
    sent: list[dict[str, Any]]
    clock: Clock

    def _engagement(self, ident: str) -> dict[str, Any]:
        return contact_resource(self.engagements, "Engagement", ident)

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
            **{k: params.get(k) for k in MESSAGE},
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
            **{k: engagement[k] for k in MESSAGE},
            "SentTime": when,
            "DeliveryTime": None,
            "ReadTime": None,
            "essential": essential,
            "accept_code": code(),
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
