"""The stages of an escalation, snapshotted from the contact's plan when it starts."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from bot.errors import InvalidInput
from bot.people import Contact


@dataclass(frozen=True)
class Target:
    contact_arn: str
    alias: str
    essential: bool


@dataclass(frozen=True)
class Stage:
    minutes: int | None  # None: a person's own plan, run by AWS; no next stage
    targets: tuple[Target, ...]


def alias_of(contact_arn: str) -> str:
    return contact_arn.rsplit("/", 1)[-1]


def stages_of(contact: Contact) -> list[Stage]:
    """An escalation plan's stages (contact targets only); a person is one stage of one."""
    if contact.type != "ESCALATION":
        return [Stage(None, (Target(contact.arn, contact.alias, True),))]
    stages = []
    for raw in contact.plan.get("Stages") or []:
        targets = tuple(
            Target(
                t["ContactTargetInfo"]["ContactId"],
                alias_of(t["ContactTargetInfo"]["ContactId"]),
                bool(t["ContactTargetInfo"].get("IsEssential")),
            )
            for t in raw.get("Targets") or []
            if t.get("ContactTargetInfo", {}).get("ContactId")
        )
        if targets:
            stages.append(Stage(int(raw.get("DurationInMinutes") or 0), targets))
    if not stages:
        raise InvalidInput(
            f"The escalation plan `{contact.alias}` has no stage with a contact "
            "to page. Add stages in the AWS console (Contacts)."
        )
    return stages


def dump_stages(stages: list[Stage]) -> str:
    return json.dumps([asdict(stage) for stage in stages])


def load_stages(text: str) -> list[Stage]:
    return [
        Stage(raw["minutes"], tuple(Target(**t) for t in raw["targets"]))
        for raw in json.loads(text)
    ]
