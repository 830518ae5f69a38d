"""Loads a YAML description of a team's Incident Manager set-up through the emulator's API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from emulator.model import CONTACTS, INCIDENTS
from emulator.server import Emulator

EXAMPLE = Path(__file__).with_name("example-seed.yml")


def _contact_arn(emulator: Emulator, alias: str) -> str:
    return emulator.contacts.contact_arn(alias)


def load_seed(emulator: Emulator, path: Path) -> None:
    """Create the replication set, contacts, channels, plans and response plans in ``path``."""
    seed: dict[str, Any] = yaml.safe_load(path.read_text()) or {}
    if seed.get("replication_set"):
        emulator.call(
            INCIDENTS,
            "CreateReplicationSet",
            {"regions": {r: {} for r in seed["replication_set"]["regions"]}},
        )
    channels: dict[str, str] = {}
    for person in seed.get("people", []):
        emulator.call(
            CONTACTS,
            "CreateContact",
            {
                "Alias": person["alias"],
                "DisplayName": person.get("name", person["alias"]),
                "Type": "PERSONAL",
                "Plan": {"Stages": []},
            },
        )
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
            channels[f"{person['alias']}:{index}"] = arn
        stages = [
            {
                "DurationInMinutes": stage.get("minutes", 0),
                "Targets": [
                    {
                        "ChannelTargetInfo": {
                            "ContactChannelId": channels[f"{person['alias']}:{c}"],
                            **(
                                {"RetryIntervalInMinutes": stage["retry"]}
                                if "retry" in stage
                                else {}
                            ),
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
    for rotation in seed.get("rotations", []):
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
    for schedule in seed.get("oncall_schedules", []):
        emulator.call(
            CONTACTS,
            "CreateContact",
            {
                "Alias": schedule["alias"],
                "DisplayName": schedule.get("name", schedule["alias"]),
                "Type": "ONCALL_SCHEDULE",
                "Plan": {
                    "RotationIds": [
                        emulator.contacts.rotation_arn(name) for name in schedule["rotations"]
                    ]
                },
            },
        )
    for plan in seed.get("escalation_plans", []):
        emulator.call(
            CONTACTS,
            "CreateContact",
            {
                "Alias": plan["alias"],
                "DisplayName": plan.get("name", plan["alias"]),
                "Type": "ESCALATION",
                "Plan": {
                    "Stages": [
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
                },
            },
        )
    for plan in seed.get("response_plans", []):
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
