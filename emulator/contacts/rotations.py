"""ssm-contacts' rotations and their overrides, as a part of the Contacts backend; the shift
arithmetic is in ``emulator.shifts``."""

from __future__ import annotations

import uuid
from copy import deepcopy
from datetime import datetime, timedelta
from typing import Any

from emulator.errors import contact_not_found, contact_resource
from emulator.paging import contacts_page
from emulator.shifts import check_window, shifts_with


class Rotations:
    """The rotation operations of ``ContactsBackend`` (which holds ``rotations``,
    ``overrides``, ``clock`` and the contacts they name)."""

    rotations: dict[str, dict[str, Any]]
    overrides: dict[str, dict[str, Any]]

    # -- rotations ---------------------------------------------------------
    def _rotation(self, ident: str) -> dict[str, Any]:
        return contact_resource(self.rotations, "Rotation", ident)

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
        return contacts_page(found, params, "Rotations")

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
        check_window(start, end)
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
        shifts = list(shifts_with(rotation, overrides, start, end))
        return contacts_page(shifts, params, "RotationShifts")

    # -- rotation overrides ------------------------------------------------------
    def _overrides_of(self, rotation_arn: str) -> list[dict[str, Any]]:
        found = [o for o in self.overrides.values() if o["RotationArn"] == rotation_arn]
        return sorted(found, key=lambda o: o["StartTime"])

    def _override(self, params: dict[str, Any]) -> dict[str, Any]:
        rotation = self._rotation(params["RotationId"])
        override = self.overrides.get(params["RotationOverrideId"])
        if override is None or override["RotationArn"] != rotation["RotationArn"]:
            raise contact_not_found("Rotation override", params["RotationOverrideId"])
        return override

    def CreateRotationOverride(self, params: dict[str, Any]) -> dict[str, Any]:
        def create() -> dict[str, Any]:
            rotation = self._rotation(params["RotationId"])
            check_window(params["StartTime"], params["EndTime"])
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
        check_window(start, end)
        found = [
            {k: deepcopy(v) for k, v in o.items() if k != "RotationArn"}
            for o in self._overrides_of(rotation["RotationArn"])
            if o["StartTime"] < end and o["EndTime"] > start
        ]
        return contacts_page(found, params, "RotationOverrides")

    def ListRotationShifts(self, params: dict[str, Any]) -> dict[str, Any]:
        rotation = self._rotation(params["RotationId"])
        start, end = params.get("StartTime") or self.clock.now(), params["EndTime"]
        check_window(start, end)
        return contacts_page(list(self._shifts(rotation, start, end)), params, "RotationShifts")

    def _shifts(self, rotation: dict[str, Any], start: datetime, end: datetime) -> Any:
        """The rotation's shifts over ``[start, end)``, its overrides cut in."""
        return shifts_with(rotation, self._overrides_of(rotation["RotationArn"]), start, end)

    def _on_call(self, rotation_arn: str) -> list[str]:
        now = self.clock.now()
        shifts = self._shifts(self._rotation(rotation_arn), now, now + timedelta(seconds=1))
        current = next((s for s in shifts if s["StartTime"] <= now < s["EndTime"]), None)
        return current["ContactIds"] if current else []
