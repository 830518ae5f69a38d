"""ssm-incidents' related items: what an incident links to."""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from emulator.errors import conflict, not_found
from emulator.paging import page_of


class RelatedItems:
    """The related item operations of ``IncidentsBackend``."""

    related: dict[str, list[dict[str, Any]]]

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
