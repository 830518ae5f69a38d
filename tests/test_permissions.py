"""Trust: nobody takes over a contact's pages, and who may do what to which incident
(issue 8, sections 2 and 3)."""

from __future__ import annotations

import logging
import re
import time
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.store.schema import LinkCode
from tests.support import Declared, Stack, declare_incident, eventually, replies

ADMINS = "SADMINS01"
RESPONDERS = "SRESPOND1"
EVE = "arn:aws:ssm-contacts:us-east-1:111122223333:contact/eve"


@pytest.fixture
def bot_settings() -> dict[str, Any]:
    return {
        "default_response_plan": "critical-service",
        "time_scale": 0.05,
        "admin_group": ADMINS,
        "responder_group": RESPONDERS,
    }


@pytest.fixture
def people(stack: Stack) -> dict[str, str]:
    """An admin, a responder-group member and an outsider; the user groups hold them."""
    users = {name: stack.slack.add_user(name) for name in ("ada", "rita", "mallory")}
    stack.slack.usergroups[ADMINS] = [users["ada"]]
    stack.slack.usergroups[RESPONDERS] = [users["rita"]]
    return users


def add_eve(stack: Stack) -> None:
    """A person whose email matches no Slack user and whom no map file names."""
    contacts = stack.aws("ssm-contacts")
    contacts.create_contact(Alias="eve", DisplayName="Eve", Type="PERSONAL", Plan={"Stages": []})
    contacts.create_contact_channel(
        ContactId=EVE, Name="eve-mail", Type="EMAIL", DeliveryAddress={"SimpleAddress": "e@x.io"}
    )


def code_contents(stack: Stack) -> list[str]:
    """What AWS sent eve outside any incident (the link codes), oldest first."""
    contacts = stack.aws("ssm-contacts")
    found = contacts.list_engagements()["Engagements"]
    mine = [e for e in found if e["ContactArn"] == EVE and not e.get("IncidentId")]
    return [contacts.describe_engagement(EngagementId=e["EngagementArn"])["Content"] for e in mine]


def code_in(content: str) -> str:
    return re.search(r"Code: (\d{6})", content).group(1)  # type: ignore[union-attr]


async def command(stack: Stack, user: str, channel: str, text: str) -> None:
    await stack.sender.slash_command("/incident", text, user, channel)


async def answer(stack: Stack, user: str, words: str) -> str:
    return (await eventually(lambda: [r for r in replies(stack, user) if words in r]))[-1]


async def linked_user(stack: Stack) -> str | None:
    link = await stack.services.people.link_of(EVE)
    return link.slack_user_id if link else None


async def test_link_me_is_proven_by_a_code_sent_through_aws(
    stack: Stack, people: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.people")
    add_eve(stack)
    mallory, origin = people["mallory"], stack.slack.add_channel("ops")
    await command(stack, mallory, origin, "link-me eve")
    said = await answer(stack, mallory, "one-time code was sent")
    assert "`eve`'s own contact channels" in said
    [content] = await eventually(lambda: code_contents(stack))
    code = code_in(content)
    assert "/incident link-me eve" in content and "mallory" in content.lower()
    assert await linked_user(stack) is None  # asking is not linking
    async with stack.services.database.session() as session:
        row = await session.scalar(select(LinkCode))
    assert row is not None and code not in row.code_hash  # stored hashed

    wrong = "000000" if code != "000000" else "111111"
    await command(stack, mallory, origin, f"link-me eve {wrong}")
    assert "That code is wrong (4 tries left)" in await answer(stack, mallory, "wrong")
    assert await linked_user(stack) is None

    await command(stack, mallory, origin, f"link-me eve {code}")
    assert "You are now linked to `eve`" in await answer(stack, mallory, "now linked")
    assert await linked_user(stack) == mallory

    await command(stack, mallory, origin, "unlink-me")
    await answer(stack, mallory, "no longer linked")
    logged = [r.getMessage() for r in caplog.records]
    assert f"contact {EVE} linked to Slack user {mallory} (self) by {mallory}" in logged
    assert f"Slack user {mallory} unlinked from their contact by themselves" in logged
    assert not [line for line in logged if code in line]  # the code is never logged
    await command(stack, mallory, origin, f"link-me eve {code}")  # used already
    assert "a code works once" in await answer(stack, mallory, "works once")
    assert await linked_user(stack) is None


async def test_an_expired_code_or_too_many_wrong_ones_links_nobody(
    stack: Stack, people: dict[str, str]
) -> None:
    add_eve(stack)
    mallory, origin = people["mallory"], stack.slack.add_channel("ops")
    await command(stack, mallory, origin, "link-me eve")
    code = code_in((await eventually(lambda: code_contents(stack)))[0])
    async with stack.services.database.write() as session:
        await session.execute(update(LinkCode).values(expires_at=time.time() - 1))
    await command(stack, mallory, origin, f"link-me eve {code}")
    assert "That code has expired" in await answer(stack, mallory, "expired")
    assert await linked_user(stack) is None

    await command(stack, mallory, origin, "link-me eve")
    code = code_in((await eventually(lambda: code_contents(stack)[1:]))[0])
    wrong = "000000" if code != "000000" else "111111"
    for tries_left in range(4, -1, -1):
        await command(stack, mallory, origin, f"link-me eve {wrong}")
        await answer(stack, mallory, f"({tries_left} tries left)")
    await command(stack, mallory, origin, f"link-me eve {code}")  # the right one, too late
    assert "Too many wrong codes" in await answer(stack, mallory, "Too many")
    await command(stack, mallory, origin, "link-me eve")  # a new code does not lift the lock
    await eventually(lambda: len([r for r in replies(stack, mallory) if "Too many" in r]) == 2)
    assert len(code_contents(stack)) == 2
    assert await linked_user(stack) is None


async def test_an_admin_links_someone_directly_and_nobody_else_may(
    stack: Stack, people: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.people")
    add_eve(stack)
    mallory, ada, origin = people["mallory"], people["ada"], stack.slack.add_channel("ops")
    dave = stack.slack.add_user("dave")
    await command(stack, mallory, origin, f"link <@{mallory}> eve")
    refused = await answer(stack, mallory, "admins")
    assert refused == (
        f":warning: Only members of <!subteam^{ADMINS}> (admins) may run `/incident link`."
    )
    assert await linked_user(stack) is None

    await command(stack, ada, origin, f"link <@{dave}> eve")
    assert f"<@{dave}> is now linked to `eve`" in await answer(stack, ada, "now linked")
    assert await linked_user(stack) == dave
    assert f"contact {EVE} linked to Slack user {dave} (admin) by {ada}" in caplog.messages
    await command(stack, ada, origin, "whois eve")
    assert f"is <@{dave}> (linked by an admin)" in await answer(stack, ada, "linked by an admin")
    assert code_contents(stack) == []  # an admin's link needs no code


# -- who may do what -------------------------------------------------------------------------

CHANGES = (  # every subcommand that changes an incident, pages, or stops paging
    "title Hijacked",
    "impact 1",
    "summary Hijacked",
    "resolve done",
    "reopen",
    "link https://evil.example/x",
    "unlink https://runbook.example/db",
    "note hijacked",
    "page alice",
    "stop-paging",
    "update",
)


def aws_state(stack: Stack, arn: str) -> tuple[Any, ...]:
    """Everything a refused request must leave as it was, read from the emulator."""
    aws = stack.aws()
    record = aws.get_incident_record(arn=arn)["incidentRecord"]
    items = aws.list_related_items(incidentRecordArn=arn)["relatedItems"]
    events = aws.list_timeline_events(incidentRecordArn=arn)["eventSummaries"]
    engagements = stack.aws("ssm-contacts").list_engagements(IncidentId=arn)["Engagements"]
    return (
        record["title"],
        record["impact"],
        record["status"],
        record.get("summary"),
        sorted(str(i["identifier"]) for i in items),
        len(events),
        [(e["EngagementArn"], e.get("StopTime")) for e in engagements],
    )


def timeline_texts(stack: Stack, arn: str) -> list[str]:
    aws = stack.aws()
    events = aws.list_timeline_events(incidentRecordArn=arn)["eventSummaries"]
    return [
        aws.get_timeline_event(incidentRecordArn=arn, eventId=e["eventId"])["event"]["eventData"]
        for e in events
    ]


async def incident_with_a_page(stack: Stack) -> tuple[Declared, str]:
    """An incident with a related item and a running page to alice (a responder now)."""
    alice = stack.slack.add_user("alice", email="alice@example.com")
    declared = await declare_incident(stack)
    await command(stack, declared.user, declared.channel, "link https://runbook.example/db")
    await command(stack, declared.user, declared.channel, "page alice")
    await eventually(
        lambda: stack.aws("ssm-contacts").list_engagements(IncidentId=declared.arn)["Engagements"]
    )
    await eventually(lambda: [m for m in stack.slack.dms(alice) if "paged" in m.get("text", "")])
    await eventually(
        lambda: [t for t in timeline_texts(stack, declared.arn) if "Paging of alice started" in t]
    )
    return declared, alice


async def test_an_outsider_may_change_nothing_on_any_surface(
    stack: Stack, people: dict[str, str]
) -> None:
    declared, alice = await incident_with_a_page(stack)
    mallory = people["mallory"]
    before = aws_state(stack, declared.arn)
    elsewhere = stack.slack.add_channel("random", members=[mallory])
    await command(stack, mallory, elsewhere, "resolve")  # outside: the picker asks which one
    offer = await eventually(
        lambda: [c for c in stack.slack.calls_to("response_url") if c.args.get("blocks")]
    )
    picker = offer[-1].args["blocks"][-1]
    [option] = picker["elements"][0]["options"]
    await stack.sender.block_action(
        mallory,
        "incident_pick",
        block_id=picker["block_id"],
        selected_option=option,
        channel_id=elsewhere,
    )
    await answer(stack, mallory, "may run `/incident resolve`")
    # (Slack would not deliver these unless mallory could post there: the bot does not trust it)
    for text in CHANGES:
        await command(stack, mallory, declared.channel, text)
    refusals = await eventually(
        lambda: [r for r in replies(stack, mallory) if "may run `/incident" in r][len(CHANGES) :]
    )
    refusal = refusals[-1]
    assert refusal.startswith(":warning: Only members of <#")
    assert "the people paged for this incident" in refusal
    assert f"members of <!subteam^{RESPONDERS}> (responders)" in refusal
    assert f"members of <!subteam^{ADMINS}> (admins)" in refusal
    assert "Nothing was changed." in refusal
    said = [r for r in replies(stack, mallory) if "may run `/incident" in r]
    for text in CHANGES:
        assert any(f"`/incident {text.split()[0]}`" in r for r in said), text

    card = stack.slack.message(declared.channel, declared.card_ts)
    for button in ("incident_resolve", "incident_update"):
        await stack.sender.press(mallory, card, button, declared.channel)
    note_ts = stack.slack.post(declared.channel, mallory, {"text": "pin me"})["ts"]
    await stack.sender.message_shortcut("add_to_timeline", mallory, declared.channel, note_ts)
    await stack.sender.reaction_added(mallory, declared.channel, note_ts, "pushpin")
    warned = await eventually(
        lambda: [r for r in replies(stack, mallory) if "may resolve" in r or "may update" in r][1:]
    )
    assert all(r.startswith(":warning: Only members of <#") for r in warned)
    await eventually(
        lambda: len([r for r in replies(stack, mallory) if "may add to the timeline" in r]) == 2
    )
    assert stack.slack.modals("update_incident_modal") == []

    link_ts = stack.slack.post(declared.channel, mallory, {"text": "see https://evil.example/y"})
    await stack.sender.message_shortcut(
        "add_links_to_incident", mallory, declared.channel, link_ts["ts"]
    )
    await answer(stack, mallory, "may add links")
    alice_page = next(m for m in stack.slack.dms(alice) if "paged" in m.get("text", ""))
    escalation = next(
        e["value"]
        for b in alice_page["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "page_escalate_now"
    )
    await stack.sender.block_action(mallory, "page_escalate_now", escalation, channel_id=elsewhere)
    await answer(stack, mallory, "may escalate")
    # a form opened by someone allowed, submitted by mallory
    await command(stack, declared.user, declared.channel, "update")
    view = (await eventually(lambda: stack.slack.modals("update_incident_modal")))[0]
    await stack.sender.view_submission(
        mallory,
        view["id"],
        {
            "title_block": {"title": {"type": "plain_text_input", "value": "Hijacked"}},
            "impact_block": {
                "impact": {"type": "static_select", "selected_option": {"value": "5"}}
            },
            "summary_block": {"summary": {"type": "plain_text_input", "value": None}},
        },
    )
    await answer(stack, mallory, "may update")
    assert aws_state(stack, declared.arn) == before


@pytest.mark.parametrize("who", ["channel member", "responder", "responder group", "admin"])
async def test_who_may_change_an_incident(stack: Stack, people: dict[str, str], who: str) -> None:
    declared, alice = await incident_with_a_page(stack)
    member = stack.slack.add_user("carl")
    stack.slack.channels[declared.channel].members.add(member)
    user = {
        "channel member": member,
        "responder": alice,
        "responder group": people["rita"],
        "admin": people["ada"],
    }[who]
    await command(stack, user, declared.channel, "title Renamed")
    await eventually(
        lambda: (
            stack.aws().get_incident_record(arn=declared.arn)["incidentRecord"]["title"]
            == "Renamed"
        )
    )
    await command(stack, user, declared.channel, "stop-paging")
    await eventually(
        lambda: all(
            e.get("StopTime")
            for e in stack.aws("ssm-contacts").list_engagements(IncidentId=declared.arn)[
                "Engagements"
            ]
        )
    )
    for change in ("Title changed", "Paging stopped"):
        await eventually(
            lambda: [
                d
                for d in timeline_texts(stack, declared.arn)
                if f"{change} by" in d and f"({user}) in Slack" in d  # noqa: B023
            ]
        )
    assert not [r for r in replies(stack, user) if "may run" in r]


async def test_a_private_incident_is_invisible_to_outsiders(
    stack: Stack, people: dict[str, str]
) -> None:
    declared = await declare_incident(stack, title="Secret merger outage")
    stack.slack.channels[declared.channel].is_private = True
    mallory, ada = people["mallory"], people["ada"]
    elsewhere = stack.slack.add_channel("random", members=[mallory, ada])
    incident_id = declared.arn.rsplit("/", 1)[-1]
    seen = len(stack.slack.calls)
    for text in (f"status {incident_id}", f"links {incident_id}"):
        await command(stack, mallory, elsewhere, text)
    refused = await eventually(
        lambda: [r for r in replies(stack, mallory) if "channel is private" in r][1:]
    )
    assert all("only its members and admins may run" in r for r in refused)
    await command(stack, mallory, elsewhere, "list all")
    await answer(stack, mallory, "incidents")
    await command(stack, mallory, elsewhere, "status")  # the picker of open incidents
    await answer(stack, mallory, "not an incident channel")
    assert not [c for c in stack.slack.calls[seen:] if "Secret merger" in str(c.args)]

    await command(stack, ada, elsewhere, "list all")  # an admin sees it
    assert "Secret merger outage" in await answer(stack, ada, "Secret merger")
    await command(stack, declared.user, elsewhere, f"status {incident_id}")  # so does a member
    await eventually(
        lambda: [
            c
            for c in stack.slack.calls_to("response_url")
            if "Secret merger" in str(c.args.get("blocks"))
        ]
    )

    for user in (mallory, ada):
        await stack.sender.home_opened(user)
    await eventually(lambda: "Secret merger" in str((stack.slack.home(ada) or {}).get("blocks")))
    mallory_home = await eventually(lambda: stack.slack.home(mallory))
    assert "Secret merger" not in str(mallory_home["blocks"])


async def test_member_group_limits_who_may_declare(
    stack: Stack, people: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stack.services.settings, "member_group", RESPONDERS)
    mallory, origin = people["mallory"], stack.slack.add_channel("ops")
    await command(stack, mallory, origin, "declare Fake outage")
    refused = await answer(stack, mallory, "may run `/incident declare`")
    assert refused == (
        f":warning: Only members of <!subteam^{RESPONDERS}> and admins may run `/incident declare`."
    )
    await command(stack, mallory, origin, "list")
    await answer(stack, mallory, "may run `/incident list`")
    assert stack.slack.modals("declare_incident_modal") == []
