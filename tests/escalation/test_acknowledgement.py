"""Acknowledging a page: who may, once, in Slack or through AWS."""

from __future__ import annotations

import asyncio

import pytest

from tests.escalation.common import (
    A_MINUTE_IS_A_SECOND,
    buttons,
    dms_saying,
    engagements,
    page,
    page_alice,
    page_dms,
    pages_read,
    past_stage_1,
    status_text,
)
from tests.support import Stack, declare_incident, eventually, replies


@A_MINUTE_IS_A_SECOND
async def test_an_essential_acknowledgement_ends_the_escalation(
    stack: Stack, team: dict[str, str]
) -> None:
    declared, alice_page = await page_alice(stack, team)

    await stack.sender.press(team["alice"], alice_page, "page_acknowledge")
    await eventually(lambda: pages_read(stack, "alice"))
    updated = await eventually(lambda: dms_saying(stack, team["alice"], "Acknowledged by"))
    assert buttons(updated[0]) == {}
    await eventually(
        lambda: any(
            "acknowledged in Slack by Alice" in e["eventData"]
            for e in stack.emulator.incidents.events[declared.arn].values()
        )
    )
    await past_stage_1(stack, declared.arn)
    assert page_dms(stack, team["bob"]) == []  # stage 2 would have begun by now
    assert len(engagements(stack, declared.arn)) == 1


async def test_a_non_essential_acknowledgement_lets_stages_go_on(
    stack: Stack, team: dict[str, str]
) -> None:
    declared = await declare_incident(stack)
    await page(stack, declared)
    [carol_page] = await eventually(lambda: page_dms(stack, team["carol"]), timeout=10)
    await stack.sender.press(team["carol"], carol_page, "page_acknowledge")
    await eventually(lambda: pages_read(stack, "carol"))
    alert = await eventually(
        lambda: [
            m for m in stack.slack.messages(declared.channel) if "Every stage" in m.get("text", "")
        ],
        timeout=3,
    )
    assert alert
    [bob_page] = page_dms(stack, team["bob"])
    assert "Acknowledge" in buttons(bob_page)  # bob, essential, was never let off


async def test_only_the_paged_person_may_acknowledge(stack: Stack, team: dict[str, str]) -> None:
    _, alice_page = await page_alice(stack, team, "alice")
    await stack.sender.block_action(
        team["bob"], "page_acknowledge", buttons(alice_page)["Acknowledge"]
    )
    refusal = await eventually(
        lambda: (
            [r for r in replies(stack, team["bob"]) if "Only <@" in r]
            or [m["text"] for m in dms_saying(stack, team["bob"], "Only <@")]
        )
    )
    assert f"Only <@{team['alice']}>" in refusal[0]
    assert pages_read(stack, "alice") == []


async def test_an_acknowledgement_through_aws_ends_the_escalation_at_the_next_stage(
    stack: Stack, team: dict[str, str]
) -> None:
    declared, _ = await page_alice(stack, team)
    contacts = stack.aws("ssm-contacts")
    [alice_page] = contacts.list_pages_by_contact(
        ContactId=stack.emulator.contacts.contact_arn("alice")
    )["Pages"]
    code = next(p for p in stack.emulator.outbox() if p.get("page_arn") == alice_page["PageArn"])
    contacts.accept_page(  # alice answers the SMS with its code
        PageId=alice_page["PageArn"],
        AcceptType="READ",
        AcceptCode=code["accept_code"],
        AcceptCodeValidation="ENFORCE",
    )

    await eventually(lambda: "later stages cancelled" in status_text(stack, declared), timeout=5)
    told = await eventually(lambda: dms_saying(stack, team["alice"], "outside Slack"))
    assert buttons(told[0]) == {}
    assert page_dms(stack, team["bob"]) == page_dms(stack, team["carol"]) == []
    assert len(engagements(stack, declared.arn)) == 1
    await eventually(
        lambda: any(
            "alice acknowledged outside Slack" in e["eventData"]
            for e in stack.emulator.incidents.events[declared.arn].values()
        )
    )


async def test_when_aws_will_not_show_the_pages_the_next_stage_still_pages(
    stack: Stack, team: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    await page_alice(stack, team)
    stack.emulator.faults.add(
        {"operation": "ListPagesByEngagement", "error": "AccessDeniedException"}
    )
    await eventually(lambda: page_dms(stack, team["bob"]), timeout=10)  # paged, not missed
    assert "could not read the pages of" in caplog.text


async def test_a_responder_may_acknowledge_anyones_page(stack: Stack, team: dict[str, str]) -> None:
    dave, erin = (stack.slack.add_user(name) for name in ("dave", "erin"))
    stack.services.settings.responder_group = stack.slack.add_usergroup([dave])
    stack.services.settings.responder_user_ids = [erin]
    _, alice_page = await page_alice(stack, team, "alice")
    value = buttons(alice_page)["Acknowledge"]

    await stack.sender.block_action(team["bob"], "page_acknowledge", value)
    refusal = await eventually(
        lambda: [m["text"] for m in dms_saying(stack, team["bob"], "Only <@")]
    )
    group = stack.services.settings.responder_group
    assert f"or a member of <!subteam^{group}> can acknowledge" in refusal[0]
    assert pages_read(stack, "alice") == []

    await stack.sender.block_action(dave, "page_acknowledge", value)  # in the group
    await eventually(lambda: pages_read(stack, "alice"))
    await eventually(lambda: dms_saying(stack, team["alice"], "Acknowledged by"))
    await stack.sender.block_action(erin, "page_acknowledge", value)  # listed, but too late
    await eventually(lambda: dms_saying(stack, erin, "already acknowledged"))


async def test_a_responder_group_slack_will_not_read_lets_only_the_paged_person_in(
    stack: Stack, team: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    stack.services.settings.responder_group = "S0NOSUCH"
    _, alice_page = await page_alice(stack, team, "alice")
    value = buttons(alice_page)["Acknowledge"]
    await stack.sender.block_action(team["bob"], "page_acknowledge", value)
    await eventually(lambda: dms_saying(stack, team["bob"], "Only <@"))
    assert "cannot read the members of user group S0NOSUCH: no_such_subteam" in caplog.text
    await stack.sender.press(team["alice"], alice_page, "page_acknowledge")
    await eventually(lambda: pages_read(stack, "alice"))


async def test_a_double_press_acknowledges_once(stack: Stack, team: dict[str, str]) -> None:
    declared, alice_page = await page_alice(stack, team, "alice")
    value = buttons(alice_page)["Acknowledge"]
    await asyncio.gather(
        *(stack.sender.block_action(team["alice"], "page_acknowledge", value) for _ in range(2))
    )
    [read] = await eventually(lambda: pages_read(stack, "alice"))
    await eventually(lambda: dms_saying(stack, team["alice"], "already acknowledged"))
    receipts = stack.aws("ssm-contacts").list_page_receipts(PageId=read["PageArn"])["Receipts"]
    assert [r["ReceiptType"] for r in receipts].count("READ") == 1

    def acknowledgements() -> int:
        events = stack.emulator.incidents.events[declared.arn].values()
        return sum("acknowledged in Slack" in e["eventData"] for e in events)

    await eventually(acknowledgements)
    await asyncio.sleep(0.3)
    assert acknowledgements() == 1
