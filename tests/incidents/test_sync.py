"""Every incident, wherever it starts: one started by an alarm straight in Incident Manager gets
its channel, card and announcement within one sync round; changes made in AWS reach the card
and the channel; the bot's own incidents and writes are not mirrored back."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.config import ConfigError, load_settings
from bot.incidents.sync import IncidentSync
from bot.services import Services
from bot.store.schema import IncidentChannel
from tests.escalation.common import ESCALATION, PAGED_PLAN, dms_saying, status_text
from tests.support import (
    PLAN_ARN,
    Declared,
    Stack,
    card_fields,
    declare_incident,
    eventually,
)

ANNOUNCE = "CANNOUNCE0"
ALARM = "arn:aws:cloudwatch:us-east-1:111122223333:alarm:checkout-5xx"


@pytest.fixture
def bot_settings() -> dict[str, Any]:
    # a plan minute lasts a real minute: only the sync can stop a page before its next stage
    return {"default_response_plan": "critical-service", "announce_channel": ANNOUNCE}


@pytest.fixture
def announcements(stack: Stack) -> str:
    made = stack.slack.add_channel("incidents", members=["UBOT0INCIDENT"])
    stack.slack.channels[ANNOUNCE] = stack.slack.channels.pop(made)
    stack.slack.channels[ANNOUNCE].id = ANNOUNCE
    return ANNOUNCE


def alarm_fires(stack: Stack, title: str = "Checkout 5xx above 5%", impact: int = 2) -> str:
    """StartIncident as a CloudWatch alarm's response plan action makes it; the ARN."""
    answer = stack.aws().start_incident(
        responsePlanArn=PLAN_ARN,
        title=title,
        impact=impact,
        triggerDetails={
            "source": "aws.cloudwatch",
            "triggerArn": ALARM,
            "timestamp": datetime.now(UTC),
        },
    )
    return str(answer["incidentRecordArn"])


def incident_channels(stack: Stack) -> list[str]:
    return [c.id for c in stack.slack.channels.values() if c.name.startswith("inc-")]


async def adopted(stack: Stack, arn: str) -> Declared:
    """One sync round, then the incident's channel and card."""
    await stack.services.sync.run()
    row = await stack.services.incidents.channel_row(arn)
    assert row is not None and row.channel_id and row.card_ts, "no channel after one round"
    return Declared("", row.channel_id, arn, row.card_ts)


def another_sync(services: Services) -> IncidentSync:
    """A second sync on the same store and bus, as another replica's leader runs it."""
    sync = services.sync
    return IncidentSync(sync.incidents, sync.declarations, sync.exports, sync.seen, sync.bus)


def texts(stack: Stack, channel: str) -> list[str]:
    return [m.get("text", "") for m in stack.slack.messages(channel)]


async def test_an_alarm_started_incident_gets_one_channel_card_and_announcement(
    stack: Stack, announcements: str
) -> None:
    arn = alarm_fires(stack)
    incident = await adopted(stack, arn)

    assert incident_channels(stack) == [incident.channel]
    card = stack.slack.message(incident.channel, incident.card_ts)
    assert "Incident started by CloudWatch alarm `checkout-5xx`" in str(card["blocks"])
    assert card_fields(stack, incident)["Impact"] == "2 High"
    assert incident.card_ts in stack.slack.channel(incident.channel).pins
    [announcement] = texts(stack, announcements)
    assert "*Checkout 5xx above 5%*" in announcement
    assert "started by CloudWatch alarm `checkout-5xx`" in announcement
    assert f"<#{incident.channel}>" in announcement
    items = stack.aws().list_related_items(incidentRecordArn=arn)["relatedItems"]
    assert any(incident.channel in i["identifier"]["value"].get("url", "") for i in items)

    await stack.services.sync.run()  # a later round: nothing twice
    assert incident_channels(stack) == [incident.channel]
    assert len(texts(stack, announcements)) == 1
    assert len(stack.slack.channel(incident.channel).pins) == 1


async def test_a_slack_declaration_is_not_mirrored(stack: Stack, announcements: str) -> None:
    declared = await declare_incident(stack, "Payments slow")
    await stack.services.sync.run()
    await stack.sender.slash_command("/incident", "impact 1", declared.user, declared.channel)
    await eventually(lambda: card_fields(stack, declared)["Impact"] == "1 Critical")
    await stack.services.sync.run()

    assert incident_channels(stack) == [declared.channel]
    assert len(texts(stack, announcements)) == 1  # the declaration's own
    assert not [t for t in texts(stack, declared.channel) if "in AWS" in t]  # no echo


async def test_changes_and_resolution_in_aws_reach_the_card_and_channel_and_stop_paging(
    stack: Stack, announcements: str
) -> None:
    alice = stack.slack.add_user("alice", email="alice@example.com")
    dana = stack.slack.add_user("dana", email="dana@example.com")
    arn = alarm_fires(stack)
    incident = await adopted(stack, arn)
    stack.slack.channel(incident.channel).members.add(dana)
    await stack.sender.slash_command("/incident", f"page {ESCALATION}", dana, incident.channel)
    await eventually(lambda: dms_saying(stack, alice, "paged"))

    stack.aws().update_incident_record(arn=arn, impact=1, title="Checkout down")  # the console
    await stack.services.sync.run()
    said = [t for t in texts(stack, incident.channel) if "in AWS" in t]
    assert said == [
        ":pencil2: Title changed to *Checkout down*; Impact raised to 1 Critical in AWS"
    ]
    assert card_fields(stack, incident)["Impact"] == "1 Critical"

    stack.aws().update_incident_record(arn=arn, status="RESOLVED")
    await stack.services.sync.run()
    assert ":pencil2: Resolved in AWS" in texts(stack, incident.channel)
    assert card_fields(stack, incident)["Status"] == ":large_green_circle: Resolved"
    declared = Declared(dana, incident.channel, arn, incident.card_ts)
    await eventually(lambda: "Paging stopped." in status_text(stack, declared), timeout=5)
    await eventually(lambda: dms_saying(stack, alice, "incident was resolved"))

    await stack.services.sync.run()  # said once
    assert len([t for t in texts(stack, incident.channel) if "in AWS" in t]) == 2


@pytest.mark.parametrize("bot_settings", [{"auto_channel_plans": "none"}])
async def test_auto_channel_plans_none_makes_no_channel(stack: Stack) -> None:
    alarm_fires(stack)
    await stack.services.sync.run()
    await stack.services.sync.run()
    assert incident_channels(stack) == []


@pytest.mark.parametrize("bot_settings", [{"auto_channel_plans": "none"}])
async def test_a_round_costs_the_same_with_200_open_unchanged_incidents(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    arns = [alarm_fires(stack, f"Disk full on host {n}", impact=3) for n in range(200)]
    with_channel = arns[100:130]  # these have channels (declared in Slack, say)
    async with stack.services.database.write() as session:
        session.add_all(
            IncidentChannel(incident_arn=arn, channel_id=f"CHOST{n:04d}")
            for n, arn in enumerate(with_channel)
        )
    stack.services.settings.timeline_to_channel = True  # notes from AWS ride on the full reads
    await stack.services.sync.run()  # the first look
    monkeypatch.setattr("bot.incidents.sync.OVERLAP_SECONDS", 0.0)  # past their creation
    backend = stack.emulator.incidents
    lists, reads = counting(backend, "ListIncidentRecords"), counting(backend, "GetIncidentRecord")
    related = counting(backend, "ListRelatedItems")
    timelines = counting(backend, "ListTimelineEvents")

    for _ in range(3):
        await stack.services.sync.run()
    assert len(lists) == 9  # a round: two pages of 100 open, one of those created since
    # read in full: SYNC_DEEP_READS (10) a round, of those with a channel, least recently read
    # first, so each of the 30 once in three rounds
    assert len(reads) == len(related) == len(timelines) == 30
    assert sorted(r["incidentRecordArn"] for r in timelines) == sorted(with_channel)
    assert sorted(r["arn"] for r in reads) == sorted(with_channel)
    assert sorted(r["incidentRecordArn"] for r in related) == sorted(with_channel)

    stack.aws().update_incident_record(arn=arns[0], status="RESOLVED")
    await stack.services.sync.run()
    assert len(lists) == 12
    later = [r["arn"] for r in reads[30:]]
    assert len([arn for arn in later if arn in with_channel]) == 10
    assert {arn for arn in later if arn not in with_channel} == {arns[0]}  # the changed one


def counting(backend: Any, name: str) -> list[dict[str, Any]]:
    """Every request the emulator's ``name`` answers from now on."""
    requests: list[dict[str, Any]] = []
    original = getattr(backend, name)

    def call(params: dict[str, Any]) -> dict[str, Any]:
        requests.append(params)
        return original(params)

    setattr(backend, name, call)
    return requests


@pytest.mark.parametrize("bot_settings", [{"auto_channel_plans": "none"}])
async def test_the_mirror_lists_engagements_once_a_round(stack: Stack) -> None:
    alice = stack.slack.add_user("alice", email="alice@example.com")
    for n in range(5):  # each engages the on-call escalation by its response plan
        stack.aws().start_incident(responsePlanArn=PAGED_PLAN, title=f"Queue {n} stuck")
    listed = counting(stack.emulator.contacts, "ListEngagements")

    await stack.services.mirror.run()
    assert len(listed) == 1 and "TimeRangeValue" in listed[0]
    await eventually(lambda: len(dms_saying(stack, alice, "paged")) == 5)

    await stack.services.mirror.run()
    assert len(listed) == 2
    assert len(dms_saying(stack, alice, "paged")) == 5  # each page once


async def test_two_rounds_at_once_make_one_channel(stack: Stack) -> None:
    """Two leaders for a moment (one losing its lock as the other takes it): one claim wins."""
    services = stack.services
    other = another_sync(services)
    alarm_fires(stack)
    await asyncio.gather(services.sync.run(), other.run())
    assert len(incident_channels(stack)) == 1
    [channel] = incident_channels(stack)
    assert len(stack.slack.channel(channel).pins) == 1


@pytest.mark.parametrize("bot_settings", [{"timeline_to_channel": True}])
async def test_notes_added_in_aws_appear_in_the_channel_once_and_the_bots_own_never(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.incidents.sync.FRESH_SECONDS", 0.0)  # no waiting a round
    dana = stack.slack.add_user("dana", email="dana@example.com")
    arn = alarm_fires(stack)
    incident = await adopted(stack, arn)
    stack.slack.channel(incident.channel).members.add(dana)
    await stack.sender.slash_command(
        "/incident", "note Checking the database", dana, incident.channel
    )
    await eventually(
        lambda: len(stack.aws().list_timeline_events(incidentRecordArn=arn)["eventSummaries"]) == 2
    )
    stack.aws().create_timeline_event(  # a responder in the console
        incidentRecordArn=arn,
        eventTime=datetime.now(UTC),
        eventType="Custom Event",
        eventData='"Rolled back deploy 42"',
    )

    await stack.services.sync.run()
    await stack.services.sync.run()
    shown = [t for t in texts(stack, incident.channel) if "timeline in AWS" in t]
    assert shown == [":memo: Added to the timeline in AWS: Rolled back deploy 42"]


async def test_timeline_events_stay_out_of_the_channel_by_default(stack: Stack) -> None:
    arn = alarm_fires(stack)
    incident = await adopted(stack, arn)
    stack.aws().create_timeline_event(
        incidentRecordArn=arn,
        eventTime=datetime.now(UTC),
        eventType="Custom Event",
        eventData='"Rolled back deploy 42"',
    )
    await stack.services.sync.run()
    assert not [t for t in texts(stack, incident.channel) if "deploy 42" in t]


def test_auto_channel_plans_by_name_or_arn() -> None:
    chosen = load_settings(auto_channel_plans=f"critical-service, {PAGED_PLAN}")
    assert chosen.gives_channel("critical-service") and chosen.gives_channel("paged-service")
    assert not chosen.gives_channel("other")
    assert load_settings().gives_channel("other")
    assert not load_settings(auto_channel_plans="none").gives_channel("critical-service")
    with pytest.raises(ConfigError, match="AUTO_CHANNEL_PLANS is invalid"):
        load_settings(auto_channel_plans="none,critical-service")


async def test_an_incident_whose_channel_is_gone_does_not_hold_up_the_others(
    stack: Stack,
) -> None:
    first = await adopted(stack, alarm_fires(stack, "Disk full on db-1"))
    second = await adopted(stack, alarm_fires(stack, "Disk full on db-2"))
    del stack.slack.channels[second.channel]  # deleted by an admin; AWS lists it first
    for incident in (first, second):
        stack.aws().update_incident_record(arn=incident.arn, impact=1)

    await stack.services.sync.run()
    assert ":pencil2: Impact raised to 1 Critical in AWS" in texts(stack, first.channel)


def said_in_aws(stack: Stack, channel: str) -> list[str]:
    return [t for t in texts(stack, channel) if "in AWS" in t]


def offers(stack: Stack, channel: str) -> list[dict[str, Any]]:
    """The channel's offers of the export and archiving, each as its buttons' action ids."""
    return [
        [e["action_id"] for b in m["blocks"] if b["type"] == "actions" for e in b["elements"]]
        for m in stack.slack.messages(channel)
        if "Archive channel" in str(m.get("blocks"))
    ]


OFFER = ["incident_export", "incident_archive_channel"]
STATUS_PAGE = {"type": "OTHER", "value": {"url": "https://status.example.com/eu"}}
OPS_TOPIC = "arn:aws:sns:us-east-1:111122223333:ops-chat"


async def test_summary_chat_channel_and_related_items_changed_in_aws_are_shown(
    stack: Stack,
) -> None:
    arn = alarm_fires(stack)
    incident = await adopted(stack, arn)
    aws = stack.aws()
    aws.update_incident_record(  # the console
        arn=arn,
        summary="EU checkout <!channel> failing\nsince 10:02",
        chatChannel={"chatbotSns": [OPS_TOPIC]},
    )
    aws.update_related_items(
        incidentRecordArn=arn,
        relatedItemsUpdate={"itemToAdd": {"identifier": STATUS_PAGE, "title": "Status <page>"}},
    )

    await stack.services.sync.run()
    assert said_in_aws(stack, incident.channel) == [
        ":pencil2: Summary changed in AWS: EU checkout &lt;!channel&gt; failing since 10:02; "
        f"Chat channel changed in AWS: now AWS Chatbot through `{OPS_TOPIC}`; "
        "Related item added in AWS: Status &lt;page&gt; (https://status.example.com/eu)"
    ]
    card = stack.slack.message(incident.channel, incident.card_ts)
    assert "EU checkout &lt;!channel&gt; failing" in str(card["blocks"])
    assert card_fields(stack, incident)["Related items"] == "2"

    aws.update_related_items(
        incidentRecordArn=arn, relatedItemsUpdate={"itemToRemove": STATUS_PAGE}
    )
    await stack.services.sync.run()
    await stack.services.sync.run()  # said once
    assert said_in_aws(stack, incident.channel)[1:] == [
        ":pencil2: Related item removed in AWS: Status &lt;page&gt; (https://status.example.com/eu)"
    ]
    assert card_fields(stack, incident)["Related items"] == "1"


async def test_the_bots_own_summary_and_links_are_not_echoed(stack: Stack) -> None:
    declared = await declare_incident(stack, "Payments slow")
    await stack.services.sync.run()  # read in full once: what it has is known
    for args in (
        "summary Card payments time out for 3% of EU customers",
        "link https://runbooks.example.com/payments Runbook",
    ):
        await stack.sender.slash_command("/incident", args, declared.user, declared.channel)
    items = lambda: stack.aws().list_related_items(incidentRecordArn=declared.arn)["relatedItems"]  # noqa: E731
    await eventually(lambda: len(items()) == 2)
    await eventually(
        lambda: (
            "time out"
            in stack.aws()
            .get_incident_record(arn=declared.arn)["incidentRecord"]
            .get("summary", "")
        )
    )
    await stack.services.sync.run()
    await stack.sender.slash_command(
        "/incident", "unlink https://runbooks.example.com/payments", declared.user, declared.channel
    )
    await eventually(lambda: len(items()) == 1)
    await stack.services.sync.run()
    await stack.services.sync.run()

    assert said_in_aws(stack, declared.channel) == []


async def test_a_resolution_in_aws_offers_the_export_and_archiving_once(stack: Stack) -> None:
    services = stack.services
    other = another_sync(services)
    arn = alarm_fires(stack)
    incident = await adopted(stack, arn)

    stack.aws().update_incident_record(arn=arn, status="RESOLVED")
    await asyncio.gather(services.sync.run(), other.run())  # two leaders for a moment
    await services.sync.run()

    assert said_in_aws(stack, incident.channel) == [":pencil2: Resolved in AWS"]
    assert offers(stack, incident.channel) == [OFFER]


async def test_an_incident_started_and_resolved_between_two_rounds_gets_its_channel(
    stack: Stack, announcements: str
) -> None:
    await stack.services.sync.run()
    arn = alarm_fires(stack)
    stack.aws().update_incident_record(arn=arn, status="RESOLVED")  # before the next round

    incident = await adopted(stack, arn)
    assert incident_channels(stack) == [incident.channel]
    assert card_fields(stack, incident)["Status"] == ":large_green_circle: Resolved"
    assert offers(stack, incident.channel) == [OFFER]
    [announcement] = texts(stack, announcements)
    assert "(resolved already)" in announcement and "*Checkout 5xx above 5%*" in announcement

    await stack.services.sync.run()  # nothing twice
    assert incident_channels(stack) == [incident.channel]
    assert offers(stack, incident.channel) == [OFFER]
    assert said_in_aws(stack, incident.channel) == []


async def test_a_slack_declaration_resolved_in_aws_before_a_round_is_not_mirrored(
    stack: Stack,
) -> None:
    declared = await declare_incident(stack, "Payments slow")
    stack.aws().update_incident_record(arn=declared.arn, status="RESOLVED")
    await stack.services.sync.run()
    assert incident_channels(stack) == [declared.channel]


@pytest.mark.parametrize("bot_settings", [{"auto_channel_plans": "none"}])
async def test_auto_channel_plans_none_makes_no_channel_for_a_resolved_one_either(
    stack: Stack,
) -> None:
    await stack.services.sync.run()
    arn = alarm_fires(stack)
    stack.aws().update_incident_record(arn=arn, status="RESOLVED")
    await stack.services.sync.run()
    assert incident_channels(stack) == []


async def test_a_reopening_in_aws_brings_back_the_status_update_reminders(stack: Stack) -> None:
    interval = 0.03  # minutes: 1.8 s for every impact
    stack.services.settings.update_reminder_minutes = [interval] * 5
    arn = alarm_fires(stack)
    incident = await adopted(stack, arn)
    reminders = lambda: [t for t in texts(stack, incident.channel) if "No status update" in t]  # noqa: E731
    await eventually(reminders, 15)

    stack.aws().update_incident_record(arn=arn, status="RESOLVED")
    await stack.services.sync.run()
    await asyncio.sleep(0.2)
    count = len(reminders())
    await asyncio.sleep(interval * 60 * 2)
    assert len(reminders()) == count  # resolved in AWS: no reminder

    stack.aws().update_incident_record(arn=arn, status="OPEN")
    await stack.services.sync.run()
    assert ":pencil2: Reopened in AWS" in texts(stack, incident.channel)
    await eventually(lambda: len(reminders()) > count, 15)  # reopened in AWS: reminded again
