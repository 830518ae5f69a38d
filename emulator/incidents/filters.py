"""The filters ssm-incidents' list operations take (``ListIncidentRecords``,
``ListTimelineEvents``)."""

from __future__ import annotations

from typing import Any

from emulator.errors import validation

FILTER_KEYS = {
    "status",
    "impact",
    "creationTime",
    "resolvedTime",
    "createdBy",
    "eventTime",
    "eventType",
}


def matches(item: dict[str, Any], filter_: dict[str, Any]) -> bool:
    key, condition = filter_["key"], filter_["condition"]
    if key not in FILTER_KEYS:
        raise validation(f"Filter key {key!r} is not supported.")
    value = item.get(key)
    if key == "createdBy":
        value = item.get("incidentRecordSource", {}).get("createdBy")
    if "before" in condition:
        return value is not None and value < condition["before"]
    if "after" in condition:
        return value is not None and value > condition["after"]
    equals = condition.get("equals", {})
    allowed = equals.get("stringValues") or equals.get("integerValues") or []
    return value in allowed
