"""A stage target that is an escalation plan: its first people are DMed at once, not at the
next mirror round."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import Stack, declare_incident, eventually


@pytest.fixture
def bot_settings() -> dict[str, Any]:
    return {"default_response_plan": "critical-service", "mirror_interval_seconds": 3600}


def one_stage(contact_arn: str) -> dict[str, Any]:
    target = {"ContactTargetInfo": {"ContactId": contact_arn, "IsEssential": True}}
    return {"Stages": [{"DurationInMinutes": 5, "Targets": [target]}]}


async def test_an_inner_plans_first_stage_is_dmed_without_waiting_for_the_mirror(
    stack: Stack,
) -> None:
    bob = stack.slack.add_user("bob", email="bob@example.com")
    contacts = stack.aws("ssm-contacts")
    arn = stack.emulator.contacts.contact_arn
    for alias, target in (("payments-team", "bob"), ("major-incident", "payments-team")):
        contacts.create_contact(Alias=alias, Type="ESCALATION", Plan=one_stage(arn(target)))
    declared = await declare_incident(stack)
    await stack.sender.slash_command(
        "/incident", "page major-incident", declared.user, declared.channel
    )
    [dm] = await eventually(
        lambda: [m for m in stack.slack.dms(bob) if "paged" in m.get("text", "")]
    )
    assert "Acknowledge" in str(dm["blocks"])
