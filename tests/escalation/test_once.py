"""Every page once: a redelivered or repeated request starts no second escalation, and what a
page or a stop did is told truthfully when AWS refuses part of it (issue 8, sections 4 and 5)."""

from __future__ import annotations

import asyncio

from tests.escalation.common import ESCALATION, buttons, page, page_alice, page_dms
from tests.processes import counting_start_engagement
from tests.support import Stack, declare_incident, eventually, replies


def create_plan(stack: Stack, alias: str, *stages: list[str], minutes: int = 5) -> None:
    """An escalation plan whose stages page these contacts, every one essential."""
    arn = stack.emulator.contacts.contact_arn
    stack.aws("ssm-contacts").create_contact(
        Alias=alias,
        Type="ESCALATION",
        Plan={
            "Stages": [
                {
                    "DurationInMinutes": minutes,
                    "Targets": [
                        {"ContactTargetInfo": {"ContactId": arn(c), "IsEssential": True}}
                        for c in stage
                    ],
                }
                for stage in stages
            ]
        },
    )


async def test_a_page_delivered_five_times_starts_one_escalation(
    stack: Stack, team: dict[str, str]
) -> None:
    stack.services.settings.time_scale = 60.0  # real minutes: stage 2 never comes here
    started = counting_start_engagement(stack.emulator)
    declared = await declare_incident(stack)
    form = stack.sender.slash_command_form(
        "/incident", f"page {ESCALATION}", declared.user, declared.channel
    )
    answers = await asyncio.gather(
        *(stack.sender.deliver("slash_commands", form) for _ in range(5))
    )
    assert [a.status for a in answers] == [200] * 5
    await eventually(lambda: page_dms(stack, team["alice"]))

    await page(stack, declared)  # a second request, typed again while it runs
    [already] = await eventually(
        lambda: [r for r in replies(stack, declared.user) if "Already paging" in r]
    )
    assert f"Already paging `{ESCALATION}` for *Checkout errors* (stage 1, started " in already
    assert "nothing was changed" in already
    await asyncio.sleep(0.5)
    assert len(page_dms(stack, team["alice"])) == 1
    assert dict(started) == {"alice": 1}
    assert len(await stack.services.escalations.running(declared.arn)) == 1
    assert sum(ESCALATION in r for r in replies(stack, declared.user)) == 2  # Paging, Already


async def test_page_again_pressed_three_times_at_once_starts_one(
    stack: Stack, team: dict[str, str]
) -> None:
    create_plan(stack, "payments-oncall", ["alice"])
    started = counting_start_engagement(stack.emulator)
    declared = await declare_incident(stack)
    await page(stack, declared, "payments-oncall")
    await eventually(
        lambda: any(
            "Every stage" in m.get("text", "") for m in stack.slack.messages(declared.channel)
        )
    )
    status = next(
        m
        for m in stack.slack.messages(declared.channel)
        if m.get("text") == "Paging payments-oncall"
    )
    again = await eventually(
        lambda: buttons(stack.slack.message(declared.channel, status["ts"])).get("Page again")
    )
    stack.services.settings.time_scale = 60.0  # the new escalation keeps running
    for name in ("bob", "carol"):  # responders in the channel, who may page again
        stack.slack.channels[declared.channel].members.add(team[name])

    await asyncio.gather(
        *(
            stack.sender.block_action(
                user, "page_again", again, channel_id=declared.channel, message_ts=status["ts"]
            )
            for user in (team["alice"], team["bob"], team["carol"])
        )
    )
    await eventually(lambda: len(page_dms(stack, team["alice"])) == 2)
    refused = await eventually(
        lambda: [
            r
            for user in (team["alice"], team["bob"], team["carol"])
            for r in replies(stack, user)
            if "Already paging `payments-oncall`" in r
        ]
    )
    await asyncio.sleep(0.5)
    assert len(refused) == 2
    assert len(page_dms(stack, team["alice"])) == 2
    assert dict(started) == {"alice": 2}


async def test_a_page_aws_refuses_for_one_target_says_who_was_paged_and_who_not(
    stack: Stack, team: dict[str, str]
) -> None:
    stack.services.settings.time_scale = 60.0
    create_plan(stack, "payments-oncall", ["alice", "bob"])
    bob = stack.emulator.contacts.contact_arn("bob")
    stack.emulator.faults.add(
        {
            "operation": "StartEngagement",
            "error": "AccessDeniedException",
            "when": {"ContactId": bob},
        }
    )
    declared = await declare_incident(stack)
    await page(stack, declared, "payments-oncall")

    [said] = await eventually(
        lambda: [r for r in replies(stack, declared.user) if "Paging `payments-oncall`" in r]
    )
    assert "Stage 1 paged `alice`; could not page `bob`: " in said
    assert "ssm-contacts:StartEngagement" in said
    await eventually(lambda: page_dms(stack, team["alice"]))
    assert page_dms(stack, team["bob"]) == []


async def test_an_engagement_aws_refuses_to_stop_is_named_not_reported_stopped(
    stack: Stack, team: dict[str, str]
) -> None:
    stack.services.settings.time_scale = 60.0
    declared, _ = await page_alice(stack, team)
    stack.emulator.faults.add(
        {"operation": "StopEngagement", "error": "AccessDeniedException", "times": 1}
    )
    await stack.sender.slash_command("/incident", "stop-paging", declared.user, declared.channel)

    [said] = await eventually(
        lambda: [r for r in replies(stack, declared.user) if r.startswith("Stopped ")]
    )
    assert "AWS refused to stop the engagement of `alice`" in said
    assert "may still page them" in said
    [engagement] = stack.aws("ssm-contacts").list_engagements(IncidentId=declared.arn)[
        "Engagements"
    ]
    assert engagement.get("StopTime") is None  # it is indeed still running in AWS
