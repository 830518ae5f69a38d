"""Paging from Slack against the emulator: stages, acknowledgements, mirroring."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.escalation.plan import alias_of
from tests.support import Declared, Stack, declare_incident, eventually, replies

ESCALATION = "oncall-escalation"
PAGED_PLAN = "arn:aws:ssm-incidents::111122223333:response-plan/paged-service"


@pytest.fixture
def bot_settings() -> dict[str, Any]:
    # a plan minute lasts 0.1 s: stage 1 (5 min) 0.5 s, stage 2 (10 min) 1 s
    return {
        "default_response_plan": "critical-service",
        "time_scale": 0.1,
        "mirror_interval_seconds": 0.3,
    }


@pytest.fixture
def team(stack: Stack) -> dict[str, str]:
    """Slack users whose emails match the seeded contacts' EMAIL channels."""
    return {
        name: stack.slack.add_user(name, email=f"{name}@example.com")
        for name in ("alice", "bob", "carol")
    }


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


async def test_nobody_answers_both_stages_then_the_channel_is_told(
    stack: Stack, team: dict[str, str]
) -> None:
    declared, alice_page = await page_alice(stack, team)
    assert "stage 1 of 2" in alice_page["blocks"][1]["text"]["text"]
    assert set(buttons(alice_page)) == {"Acknowledge", "Escalate now"}
    assert page_dms(stack, team["bob"]) == []  # stage 2 has not begun

    [bob_page] = await eventually(lambda: page_dms(stack, team["bob"]), timeout=10)
    assert "stage 2 of 2" in bob_page["blocks"][1]["text"]["text"]
    await eventually(lambda: page_dms(stack, team["carol"]))

    alert = await eventually(
        lambda: [
            m for m in stack.slack.messages(declared.channel) if "Every stage" in m.get("text", "")
        ],
        timeout=3,
    )
    assert ESCALATION in alert[0]["text"]
    status = next(
        m for m in stack.slack.messages(declared.channel) if m.get("text") == f"Paging {ESCALATION}"
    )
    again = await eventually(
        lambda: buttons(stack.slack.message(declared.channel, status["ts"])).get("Page again")
    )
    started = engagements(stack, declared.arn)
    assert sorted(e["ContactArn"].rsplit("/", 1)[-1] for e in started) == ["alice", "bob", "carol"]

    await stack.sender.block_action(
        team["alice"], "page_again", again, channel_id=declared.channel, message_ts=status["ts"]
    )
    await eventually(lambda: len(page_dms(stack, team["alice"])) == 2)  # stage 1, from the top
    assert len(engagements(stack, declared.arn)) == 4


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
    await asyncio.sleep(1.0)  # stage 2 would have begun by now
    assert page_dms(stack, team["bob"]) == []
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


def status_text(stack: Stack, declared: Declared) -> str:
    """The live escalation message in the incident channel, as text."""
    status = next(
        m for m in stack.slack.messages(declared.channel) if m.get("text", "").startswith("Paging")
    )
    return str(stack.slack.message(declared.channel, status["ts"])["blocks"])


async def test_resolving_the_incident_stops_its_paging(stack: Stack, team: dict[str, str]) -> None:
    declared, _ = await page_alice(stack, team)
    await stack.sender.slash_command("/incident", "resolve", declared.user, declared.channel)

    let_off = await eventually(lambda: dms_saying(stack, team["alice"], "incident was resolved"))
    assert buttons(let_off[0]) == {}
    await eventually(lambda: "Paging stopped." in status_text(stack, declared))
    [engagement] = engagements(stack, declared.arn)
    assert engagement.get("StopTime") is not None
    await asyncio.sleep(1.0)  # stage 2 would have begun by now
    assert page_dms(stack, team["bob"]) == []

    await page(stack, declared, "bob")
    refusal = await eventually(lambda: [r for r in replies(stack, declared.user) if "Reopen" in r])
    assert "is resolved, so nobody is paged for it" in refusal[0]
    assert len(engagements(stack, declared.arn)) == 1


async def test_an_incident_resolved_in_aws_stops_paging_at_the_next_stage(
    stack: Stack, team: dict[str, str]
) -> None:
    declared, _ = await page_alice(stack, team)
    stack.aws().update_incident_record(arn=declared.arn, status="RESOLVED")  # in the console

    await eventually(lambda: "Paging stopped." in status_text(stack, declared), timeout=5)
    assert page_dms(stack, team["bob"]) == page_dms(stack, team["carol"]) == []
    assert len(engagements(stack, declared.arn)) == 1


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


async def test_escalate_now_starts_the_next_stage_at_once(
    stack: Stack, team: dict[str, str]
) -> None:
    stack.services.settings.time_scale = 60.0  # real minutes: only the button can move on
    _, alice_page = await page_alice(stack, team)
    await stack.sender.block_action(
        team["alice"], "page_escalate_now", buttons(alice_page)["Escalate now"]
    )
    [bob_page] = await eventually(lambda: page_dms(stack, team["bob"]))
    assert "stage 2 of 2" in bob_page["blocks"][1]["text"]["text"]


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


async def test_paging_goes_on_when_the_bot_cannot_post_in_the_channel(
    stack: Stack, team: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    declared = await declare_incident(stack)
    stack.slack.channel(declared.channel).members.discard("UBOT0INCIDENT")  # removed by someone
    await page(stack, declared)
    await eventually(lambda: page_dms(stack, team["alice"]))
    assert f"could not post the paging status in {declared.channel}: not_in_channel" in caplog.text
    await eventually(lambda: page_dms(stack, team["bob"]), timeout=10)  # the stages go on


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


async def test_whois_link_me_and_unlink_me(stack: Stack, team: dict[str, str]) -> None:
    declared = await declare_incident(stack)
    await stack.sender.slash_command("/incident", "whois alice", declared.user, declared.channel)
    said = await eventually(lambda: [r for r in replies(stack, declared.user) if "alice" in r])
    assert f"<@{team['alice']}>" in said[0] and "email" in said[0]

    for whois, answer in (
        (
            ESCALATION,
            f"`{ESCALATION}` (On-call escalation) is an escalation plan: stage 1 (5 min): "
            "`alice`; stage 2 (10 min): `bob`, `carol` (non-essential). Page it with "
            f"`/incident page {ESCALATION}`.",
        ),
        (
            "primary-oncall",
            "`primary-oncall` (Primary on call) is an on-call schedule; on call now: "
            f"`alice` (<@{team['alice']}>).",
        ),
    ):
        await stack.sender.slash_command(
            "/incident", f"whois {whois}", declared.user, declared.channel
        )
        await eventually(lambda: answer in replies(stack, declared.user))  # noqa: B023

    await stack.sender.slash_command("/incident", "link-me alice", declared.user, declared.channel)
    refused = await eventually(
        lambda: [r for r in replies(stack, declared.user) if "already linked" in r]
    )
    assert refused[0].startswith(":warning:")
    await stack.sender.slash_command(
        "/incident", "link-me oncall-escalation", declared.user, declared.channel
    )
    await eventually(lambda: any("not a person" in r for r in replies(stack, declared.user)))

    dave = stack.slack.add_user("dave")
    await stack.sender.slash_command("/incident", "link-me nobody", dave, declared.channel)
    await eventually(
        lambda: any(
            "No Incident Manager contact has the alias `nobody`" in r for r in replies(stack, dave)
        )
    )


async def test_nobody_can_link_themselves_to_a_colleagues_contact(
    stack: Stack, team: dict[str, str]
) -> None:
    mallory = stack.slack.add_user("mallory")
    declared = await declare_incident(stack)
    await stack.sender.slash_command("/incident", "link-me bob", mallory, declared.channel)
    [refused] = await eventually(lambda: [r for r in replies(stack, mallory) if "bob" in r])
    assert f"`bob` is already linked to <@{team['bob']}>" in refused
    assert "contact's email; ask your bot admins" in refused

    await page(stack, declared, "bob")
    await eventually(lambda: page_dms(stack, team["bob"]))
    assert page_dms(stack, mallory) == []


async def test_retry_interval_re_notifies_until_acknowledged(
    stack: Stack, team: dict[str, str]
) -> None:
    declared = await declare_incident(stack)
    await page(stack, declared, "alice")  # alice's plan: RetryIntervalInMinutes 2 (0.2 s here)
    [alice_page] = await eventually(lambda: page_dms(stack, team["alice"]))

    def reminders() -> list[dict[str, Any]]:
        return dms_saying(stack, team["alice"], "Reminder")

    await eventually(lambda: len(reminders()) >= 2)
    assert all(m["thread_ts"] == alice_page["ts"] for m in reminders())
    assert reminders()[0]["text"].startswith(":alarm_clock: Reminder 1: *Checkout errors*")
    await stack.sender.press(team["alice"], alice_page, "page_acknowledge")
    await eventually(lambda: pages_read(stack, "alice"))
    settled = len(reminders())
    await asyncio.sleep(0.8)
    assert len(reminders()) == settled


@pytest.mark.parametrize(
    "bot_settings",
    [
        {
            "default_response_plan": "critical-service",
            "time_scale": 1.0,
            "mirror_interval_seconds": 0.3,
        }
    ],
)
async def test_a_reminder_timer_lost_in_a_crash_is_planned_again(
    stack: Stack, team: dict[str, str]
) -> None:
    declared = await declare_incident(stack)
    await page(stack, declared, "alice")  # RetryIntervalInMinutes 2: 2 s at this scale
    [alice_page] = await eventually(lambda: page_dms(stack, team["alice"]))
    notice_id = buttons(alice_page)["Acknowledge"]
    scheduler = stack.services.schedule.scheduler
    lost = f"reminder:{notice_id}:1"
    await eventually(lambda: scheduler.get_job(lost))
    scheduler.remove_job(lost)  # what a crash between the DM and its timer leaves behind

    reminder = await eventually(lambda: dms_saying(stack, team["alice"], "Reminder 1"))
    assert reminder[0]["thread_ts"] == alice_page["ts"]


@pytest.mark.parametrize(
    "bot_settings",
    [{"default_response_plan": "critical-service", "mirror_interval_seconds": 0.3}],
)
async def test_a_crash_after_slack_took_the_dm_shows_the_page_once(
    stack: Stack, team: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker dies after Slack accepted the DM but before the bot wrote down its ts."""
    monkeypatch.setattr("bot.escalation.notices.STALE_CLAIM_SECONDS", 0.5)
    notices = stack.services.escalations.notices
    record = notices.set
    crashed: list[str] = []

    async def dies_before_recording_the_dm(notice_id: str, **values: object) -> None:
        if "dm_channel" in values and not crashed:
            crashed.append(notice_id)
            raise asyncio.CancelledError  # the process is gone: nothing after this runs
        await record(notice_id, **values)

    monkeypatch.setattr(notices, "set", dies_before_recording_the_dm)
    declared = await declare_incident(stack)
    await page(stack, declared, "alice")
    await eventually(lambda: crashed)
    [alice_page] = await eventually(lambda: page_dms(stack, team["alice"]))

    await asyncio.sleep(1.5)  # the claim goes stale and the auditor takes the page over
    assert page_dms(stack, team["alice"]) == [alice_page]
    im = stack.slack.im(team["alice"]).id
    await stack.sender.press(team["alice"], alice_page, "page_acknowledge")
    await eventually(lambda: pages_read(stack, "alice"))
    # the bot found the DM it had sent, so it updates that one in place
    await eventually(lambda: "Acknowledged by" in str(stack.slack.message(im, alice_page["ts"])))


async def test_pages_lists_escalations_and_stop_paging_stops_them(
    stack: Stack, team: dict[str, str]
) -> None:
    declared, _ = await page_alice(stack, team)

    async def command(text: str, answer: str) -> str:
        await stack.sender.slash_command("/incident", text, declared.user, declared.channel)
        said = await eventually(lambda: [r for r in replies(stack, declared.user) if answer in r])
        return said[-1]

    listed = await command("pages", "Open escalations")
    assert f"• `{ESCALATION}` stage 1, paged by <@{declared.user}>" in listed
    await command("stop-paging", "Stopped 1 escalation(s) for *Checkout errors*")
    [engagement] = engagements(stack, declared.arn)
    await eventually(
        lambda: (
            stack.aws("ssm-contacts")
            .describe_engagement(EngagementId=engagement["EngagementArn"])
            .get("StopTime")
        )
    )
    closed = await eventually(lambda: dms_saying(stack, team["alice"], "Paging stopped by"))
    assert buttons(closed[0]) == {}  # nothing left to acknowledge
    await command("pages", "No escalation is running")
    await asyncio.sleep(1.0)  # stage 2 would have begun by now
    assert page_dms(stack, team["bob"]) == []


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
