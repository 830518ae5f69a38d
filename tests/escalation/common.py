"""What the paging tests share: the seeded plan, paging, and reading pages and DMs."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.support import Declared, Stack, declare_incident, eventually

ESCALATION = "oncall-escalation"
PAGED_PLAN = "arn:aws:ssm-incidents::111122223333:response-plan/paged-service"

# A plan minute lasts 1 s: stage 1 (5 minutes) is long enough for a press or a command to land
# within it on a loaded machine (at 0.1 s a minute it sometimes landed after stage 2 began).
A_MINUTE_IS_A_SECOND = pytest.mark.parametrize(
    "bot_settings",
    [{"default_response_plan": "critical-service", "time_scale": 1.0}],
    ids=["a minute lasts 1 s"],
)


async def past_stage_1(stack: Stack, incident: str) -> None:
    """Sleep until half a second after stage 2 of the seeded plan would begin (its stage 1 lasts
    5 minutes, a second each under ``A_MINUTE_IS_A_SECOND``)."""
    [engagement] = engagements(stack, incident)
    stage_2_due = engagement["StartTime"] + timedelta(seconds=5)
    await asyncio.sleep((stage_2_due - datetime.now(UTC)).total_seconds() + 0.5)


def engagements(stack: Stack, incident: str) -> list[dict[str, Any]]:
    return stack.aws("ssm-contacts").list_engagements(IncidentId=incident)["Engagements"]


def page_dms(stack: Stack, user: str) -> list[dict[str, Any]]:
    return [
        m
        for m in stack.slack.dms(user)
        if "paged" in m.get("text", "").lower() or "Acknowledged" in m.get("text", "")
    ]


def dms_saying(stack: Stack, user: str, words: str) -> list[dict[str, Any]]:
    """The user's direct messages whose text or blocks say ``words``."""
    return [
        m for m in stack.slack.dms(user) if words in m.get("text", "") + str(m.get("blocks", ""))
    ]


def buttons(message: dict[str, Any]) -> dict[str, str]:
    return {
        e["text"]["text"]: e["value"]
        for b in message.get("blocks", [])
        if b["type"] == "actions"
        for e in b["elements"]
    }


async def page(stack: Stack, declared: Declared, who: str = ESCALATION) -> None:
    await stack.sender.slash_command("/incident", f"page {who}", declared.user, declared.channel)


async def page_alice(
    stack: Stack, team: dict[str, str], who: str = ESCALATION
) -> tuple[Declared, dict[str, Any]]:
    """Declare an incident, page ``who`` (alice, or a plan whose first stage she is) and wait
    for her DM."""
    declared = await declare_incident(stack)
    await page(stack, declared, who)
    [alice_page] = await eventually(lambda: page_dms(stack, team["alice"]))
    return declared, alice_page


def pages_read(stack: Stack, contact: str) -> list[dict[str, Any]]:
    arn = f"arn:aws:ssm-contacts:us-east-1:111122223333:contact/{contact}"
    pages = stack.aws("ssm-contacts").list_pages_by_contact(ContactId=arn)["Pages"]
    return [p for p in pages if p.get("ReadTime")]


def status_text(stack: Stack, declared: Declared) -> str:
    """The live escalation message in the incident channel, as text ("" before it is posted:
    the page goes out first)."""
    status = next(
        (
            m
            for m in stack.slack.messages(declared.channel)
            if m.get("text", "").startswith("Paging")
        ),
        None,
    )
    if status is None:
        return ""
    return str(stack.slack.message(declared.channel, status["ts"])["blocks"])


def plan_stages(*stages: str) -> dict[str, Any]:
    """An escalation plan's ``Plan``: one essential contact a stage, five minutes each."""
    return {
        "Stages": [
            {
                "DurationInMinutes": 5,
                "Targets": [{"ContactTargetInfo": {"ContactId": contact, "IsEssential": True}}],
            }
            for contact in stages
        ]
    }
