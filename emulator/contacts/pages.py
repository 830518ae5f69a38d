"""ssm-contacts' pages: read, listed by engagement or contact, traced back to what engaged
them, and accepted."""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from emulator.clock import Clock
from emulator.errors import contact_resource, validation
from emulator.paging import contacts_page


class Pages:
    """The page operations of ``ContactsBackend``."""

    pages: dict[str, dict[str, Any]]
    engagements: dict[str, dict[str, Any]]
    contacts: dict[str, dict[str, Any]]
    clock: Clock

    def _page(self, ident: str) -> dict[str, Any]:
        return contact_resource(self.pages, "Page", ident)

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
