"""ssm-incidents' replication set: the regions an account's incidents live in."""

from __future__ import annotations

import uuid
from copy import deepcopy
from typing import Any

from emulator.clock import Clock
from emulator.errors import conflict, not_found, validation
from emulator.paging import page_of


class ReplicationSets:
    """The replication set operations of ``IncidentsBackend`` (which holds their state)."""

    replication_sets: dict[str, dict[str, Any]]
    tags: dict[str, dict[str, str]]
    clock: Clock

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
