"""The stages of an escalation, snapshotted from the contact's plan when it starts."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from bot.contacts import Contact, alias_of
from bot.errors import InvalidInput
from bot.vocabulary import ContactType


@dataclass(frozen=True)
class Target:
    contact_arn: str
    alias: str
    essential: bool


@dataclass(frozen=True)
class Stage:
    minutes: int | None  # None: a person's own plan, run by AWS; no next stage
    targets: tuple[Target, ...]


def stages_of(contact: Contact) -> list[Stage]:
    """An escalation plan's stages (contact targets only); a person is one stage of one."""
    if contact.type != ContactType.ESCALATION:
        return [Stage(None, (Target(contact.arn, contact.alias, True),))]
    stages = []
    for stage in contact.stages:
        targets = tuple(
            Target(t.contact_arn, alias_of(t.contact_arn), t.essential)
            for t in stage.targets
            if t.contact_arn
        )
        if targets:
            stages.append(Stage(stage.minutes, targets))
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
