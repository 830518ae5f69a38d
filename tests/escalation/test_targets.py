"""Who a stage pages: people, escalation plans, unlinked contacts, on-call schedules, and the
pages AWS sent itself."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.escalation.plan import alias_of
from tests.escalation.common import (
    PAGED_PLAN,
    buttons,
    dms_saying,
    engagements,
    page,
    page_dms,
    pages_read,
    plan_stages,
)
from tests.support import Stack, declare_incident, eventually, replies


async def test_a_target_that_is_an_escalation_plan_pages_its_people_in_slack(
    stack: Stack, team: dict[str, str]
) -> None:
    stack.services.settings.time_scale = 60.0  # real minutes: the outer stage 2 never comes
    contacts = stack.aws("ssm-contacts")
    arn = stack.emulator.contacts.contact_arn
    contacts.create_contact(
        Alias="payments-team", Type="ESCALATION", Plan=plan_stages(arn("bob"), arn("carol"))
    )
    contacts.create_contact(
        Alias="major-incident",
        Type="ESCALATION",
        Plan=plan_stages(arn("payments-team"), arn("alice")),
    )
    declared = await declare_incident(stack)
    await page(stack, declared, "major-incident")

    said = await eventually(
        lambda: [
            m
            for m in stack.slack.messages(declared.channel)
            if "`payments-team` is an escalation plan" in m.get("text", "")
        ]
    )
    assert "not linked" not in str(stack.slack.messages(declared.channel))
    [bob_page] = await eventually(lambda: page_dms(stack, team["bob"]))
    assert "stage 1 of 2" in bob_page["blocks"][1]["text"]["text"]
    assert page_dms(stack, team["carol"]) == []  # the inner plan's stage 2 is 5 AWS minutes away

    stack.emulator.advance(5 * 60)
    [carol_page] = await eventually(lambda: page_dms(stack, team["carol"]))
    await asyncio.sleep(0.7)  # two more mirror rounds: nobody is paged twice
    assert len(page_dms(stack, team["bob"])) == len(page_dms(stack, team["carol"])) == 1
    await stack.sender.press(team["carol"], carol_page, "page_acknowledge")

    await eventually(lambda: pages_read(stack, "carol"))
    let_off = await eventually(lambda: dms_saying(stack, team["bob"], "Acknowledged by"))
    assert buttons(let_off[0]) == {}
    status = next(
        m
        for m in stack.slack.messages(declared.channel)
        if m.get("text") == "Paging major-incident"
    )
    shown = await eventually(
        lambda: (
            text
            if "later stages cancelled"
            in (text := str(stack.slack.message(declared.channel, status["ts"])["blocks"]))
            else None
        )
    )
    assert (
        f"payments-team (essential) → <@{team['bob']}> <@{team['carol']}> "
        f":white_check_mark: <@{team['carol']}>" in shown
    )
    [inner] = [e for e in engagements(stack, declared.arn) if "payments-team" in e["ContactArn"]]
    assert inner.get("StopTime") is not None  # AWS pages nobody else of the inner plan
    assert page_dms(stack, team["alice"]) == []
    assert said


async def test_an_unlinked_target_is_named_in_the_channel(stack: Stack) -> None:
    declared = await declare_incident(stack)
    await page(stack, declared, "carol")  # no Slack user has carol's email
    said = await eventually(
        lambda: [
            m
            for m in stack.slack.messages(declared.channel)
            if "not linked to a Slack user" in m.get("text", "")
        ]
    )
    assert "`carol`" in said[0]["text"]
    assert len(engagements(stack, declared.arn)) == 1  # AWS still paged her


async def test_a_dm_slack_refuses_is_named_and_the_stage_goes_on(stack: Stack) -> None:
    stack.services.settings.time_scale = 60.0  # real minutes: only the button moves on
    alice = stack.slack.add_user("alice", email="alice@example.com")
    stack.slack.add_user("bobbot", email="bob@example.com", is_bot=True)  # a wrong link
    carol = stack.slack.add_user("carol", email="carol@example.com")
    declared = await declare_incident(stack)
    await page(stack, declared)
    [alice_page] = await eventually(lambda: page_dms(stack, alice))
    await stack.sender.press(alice, alice_page, "page_escalate_now")

    await eventually(lambda: page_dms(stack, carol))  # bob's refusal stops nobody else
    said = await eventually(
        lambda: [
            m["text"]
            for m in stack.slack.messages(declared.channel)
            if "Slack refused" in m.get("text", "")
        ]
    )
    assert said[0].startswith(":warning: `bob` was paged through AWS")
    assert "(cannot_dm_bot)" in said[0] and "/incident whois bob" in said[0]
    assert sorted(alias_of(e["ContactArn"]) for e in engagements(stack, declared.arn)) == [
        "alice",
        "bob",
        "carol",
    ]


async def test_engagements_aws_started_are_mirrored_once(
    stack: Stack, team: dict[str, str]
) -> None:
    declared = await declare_incident(stack, "Payments down", plan_arn=PAGED_PLAN)
    [mirrored] = await eventually(lambda: page_dms(stack, team["alice"]), timeout=10)
    await asyncio.sleep(0.7)  # two more mirror rounds: no second message
    assert len(page_dms(stack, team["alice"])) == 1
    await stack.sender.press(team["alice"], mirrored, "page_acknowledge")
    await eventually(lambda: pages_read(stack, "alice"))
    [engagement] = engagements(stack, declared.arn)
    assert engagement.get("StopTime") is not None  # essential READ stopped AWS's escalation


async def test_a_mirrored_page_is_let_off_when_the_incident_is_resolved(
    stack: Stack, team: dict[str, str]
) -> None:
    declared = await declare_incident(stack, "Payments down", plan_arn=PAGED_PLAN)
    await eventually(lambda: page_dms(stack, team["alice"]), timeout=10)
    await stack.sender.slash_command("/incident", "resolve", declared.user, declared.channel)
    told = await eventually(lambda: dms_saying(stack, team["alice"], "incident was resolved"))
    assert buttons(told[0]) == {}


async def test_paging_an_on_call_schedule_pages_whoever_is_on_call(
    stack: Stack, team: dict[str, str]
) -> None:
    contacts = stack.aws("ssm-contacts")
    people = [stack.emulator.contacts.contact_arn(alias) for alias in ("alice", "bob")]
    rotation = contacts.create_rotation(  # began 8 days ago: bob's is the second, current week
        Name="db-weekly",
        ContactIds=people,
        StartTime=datetime.now(UTC) - timedelta(days=8),
        TimeZoneId="UTC",
        Recurrence={
            "NumberOfOnCalls": 1,
            "RecurrenceMultiplier": 1,
            "WeeklySettings": [
                {"DayOfWeek": "MON", "HandOffTime": {"HourOfDay": 9, "MinuteOfHour": 0}}
            ],
        },
    )["RotationArn"]
    contacts.create_contact(
        Alias="db-oncall", Type="ONCALL_SCHEDULE", Plan={"RotationIds": [rotation]}
    )
    declared = await declare_incident(stack)
    await page(stack, declared, "db-oncall")

    [bob_page] = await eventually(lambda: page_dms(stack, team["bob"]))
    assert page_dms(stack, team["alice"]) == []
    await stack.sender.press(team["bob"], bob_page, "page_acknowledge")
    await eventually(lambda: pages_read(stack, "bob"))


async def test_an_on_call_override_is_who_gets_the_page_and_whois_says_so(
    stack: Stack, team: dict[str, str]
) -> None:
    contacts = stack.aws("ssm-contacts")
    now = stack.emulator.clock.now()
    contacts.create_rotation_override(  # carol covers alice's week for a day
        RotationId=stack.emulator.contacts.rotation_arn("primary-weekly"),
        NewContactIds=[stack.emulator.contacts.contact_arn("carol")],
        StartTime=now - timedelta(hours=1),
        EndTime=now + timedelta(days=1),
    )
    declared = await declare_incident(stack)
    await stack.sender.slash_command(
        "/incident", "whois primary-oncall", declared.user, declared.channel
    )
    said = await eventually(lambda: [r for r in replies(stack, declared.user) if "on call" in r])
    assert "carol" in said[0] and "alice" not in said[0]

    await page(stack, declared, "primary-oncall")
    await eventually(lambda: page_dms(stack, team["carol"]))
    assert page_dms(stack, team["alice"]) == []
