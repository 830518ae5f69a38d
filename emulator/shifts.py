"""Shift arithmetic of on-call rotations: daily or weekly shifts, with overrides cut in."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from emulator.errors import validation


def shifts(rotation: dict[str, Any], start: datetime, end: datetime) -> Any:
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


def shifts_with(
    rotation: dict[str, Any], overrides: list[dict[str, Any]], start: datetime, end: datetime
) -> Any:
    """A rotation's shifts over ``[start, end)`` with ``overrides`` cut in as OVERRIDDEN."""
    if not rotation["ContactIds"]:
        return
    for shift in shifts(rotation, start, end):
        for piece in overridden(shift, overrides):
            if piece["StartTime"] < end and piece["EndTime"] > start:
                yield piece


def overridden(shift: dict[str, Any], overrides: list[dict[str, Any]]) -> Any:
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


def check_window(start: datetime, end: datetime) -> None:
    if end <= start:
        raise validation("EndTime must be after StartTime.")
