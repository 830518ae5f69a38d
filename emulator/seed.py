"""Loads a YAML description of a team's Incident Manager set-up through the emulator's API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from emulator.account import Emulator
from emulator.model import CONTACTS, INCIDENTS

EXAMPLE = Path(__file__).with_name("example-seed.yml")


def _contact_arn(emulator: Emulator, alias: str) -> str:
    return emulator.contacts.contact_arn(alias)


def load_seed(emulator: Emulator, path: Path) -> None:
    """Create the replication set, contacts, channels, plans and response plans in ``path``."""
    seed: dict[str, Any] = yaml.safe_load(path.read_text()) or {}
    if seed.get("replication_set"):
        _replication_set(emulator, seed["replication_set"])
    for person in seed.get("people", []):
        _person(emulator, person)
    for rotation in seed.get("rotations", []):
        _rotation(emulator, rotation)
    for schedule in seed.get("oncall_schedules", []):
        _oncall_schedule(emulator, schedule)
    for plan in seed.get("escalation_plans", []):
        _escalation_plan(emulator, plan)
    for plan in seed.get("response_plans", []):
        _response_plan(emulator, plan)


def _contact(emulator: Emulator, entry: dict[str, Any], kind: str, plan: dict[str, Any]) -> None:
    """A contact of ``kind`` named by a seed entry's ``alias`` (and ``name``)."""
    emulator.call(
        CONTACTS,
        "CreateContact",
        {
            "Alias": entry["alias"],
            "DisplayName": entry.get("name", entry["alias"]),
            "Type": kind,
            "Plan": plan,
        },
    )


def _replication_set(emulator: Emulator, replication_set: dict[str, Any]) -> None:
    emulator.call(
        INCIDENTS,
        "CreateReplicationSet",
        {"regions": {r: {} for r in replication_set["regions"]}},
    )


def _person(emulator: Emulator, person: dict[str, Any]) -> None:
    """A personal contact, its channels (activated), and its engagement plan over them."""
    _contact(emulator, person, "PERSONAL", {"Stages": []})
    channels: list[str] = []
    for index, channel in enumerate(person.get("channels", [])):
        arn = emulator.call(
            CONTACTS,
            "CreateContactChannel",
            {
                "ContactId": _contact_arn(emulator, person["alias"]),
                "Name": f"{person['alias']}-{channel['type'].lower()}-{index}",
                "Type": channel["type"],
                "DeliveryAddress": {"SimpleAddress": channel["address"]},
                "DeferActivation": True,
            },
        )["ContactChannelArn"]
        emulator.contacts.channels[arn]["ActivationStatus"] = "ACTIVATED"
        channels.append(arn)
    stages = [
        {
            "DurationInMinutes": stage.get("minutes", 0),
            "Targets": [
                {
                    "ChannelTargetInfo": {
                        "ContactChannelId": channels[c],
                        **({"RetryIntervalInMinutes": stage["retry"]} if "retry" in stage else {}),
                    }
                }
                for c in stage["channels"]
            ],
        }
        for stage in person.get("engagement_plan", [])
    ]
    if stages:
        emulator.call(
            CONTACTS,
            "UpdateContact",
            {"ContactId": _contact_arn(emulator, person["alias"]), "Plan": {"Stages": stages}},
        )


def _rotation(emulator: Emulator, rotation: dict[str, Any]) -> None:
    """A weekly rotation handing off on Mondays at 09:00."""
    emulator.call(
        CONTACTS,
        "CreateRotation",
        {
            "Name": rotation["name"],
            "TimeZoneId": rotation.get("time_zone", "UTC"),
            "ContactIds": [_contact_arn(emulator, a) for a in rotation["people"]],
            "Recurrence": {
                "NumberOfOnCalls": 1,
                "RecurrenceMultiplier": 1,
                "WeeklySettings": [
                    {"DayOfWeek": "MON", "HandOffTime": {"HourOfDay": 9, "MinuteOfHour": 0}}
                ],
            },
        },
    )


def _oncall_schedule(emulator: Emulator, schedule: dict[str, Any]) -> None:
    rotations = [emulator.contacts.rotation_arn(name) for name in schedule["rotations"]]
    _contact(emulator, schedule, "ONCALL_SCHEDULE", {"RotationIds": rotations})


def _escalation_plan(emulator: Emulator, plan: dict[str, Any]) -> None:
    stages = [
        {
            "DurationInMinutes": stage["minutes"],
            "Targets": [
                {
                    "ContactTargetInfo": {
                        "ContactId": _contact_arn(emulator, t["contact"]),
                        "IsEssential": t.get("essential", False),
                    }
                }
                for t in stage["targets"]
            ],
        }
        for stage in plan["stages"]
    ]
    _contact(emulator, plan, "ESCALATION", {"Stages": stages})


def _response_plan(emulator: Emulator, plan: dict[str, Any]) -> None:
    template = {"title": plan["title"], "impact": plan["impact"]}
    if plan.get("summary"):
        template["summary"] = plan["summary"]
    emulator.call(
        INCIDENTS,
        "CreateResponsePlan",
        {
            "name": plan["name"],
            "displayName": plan.get("display_name", plan["name"]),
            "incidentTemplate": template,
            "engagements": [_contact_arn(emulator, a) for a in plan.get("engagements", [])],
        },
    )
