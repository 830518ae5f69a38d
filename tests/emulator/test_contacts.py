"""ssm-contacts through an unmodified boto3 client: contacts, channels, engagements, pages."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from emulator.testing import RunningEmulator

ACCOUNT = "arn:aws:ssm-contacts:us-east-1:111122223333"


@pytest.fixture
def contacts(emulator: RunningEmulator) -> Any:
    return emulator.client("ssm-contacts")


def arn(alias: str) -> str:
    return f"{ACCOUNT}:contact/{alias}"


def page_code(emulator: RunningEmulator, page_arn: str) -> str:
    return next(m["accept_code"] for m in emulator.outbox() if m.get("page_arn") == page_arn)


def engage(contacts: Any, alias: str) -> str:
    """StartEngagement on a contact, as automation would; its engagement ARN."""
    return contacts.start_engagement(
        ContactId=arn(alias), Sender="tests", Subject="Paged", Content="By the tests"
    )["EngagementArn"]


def pages(contacts: Any, engagement: str) -> list[dict[str, Any]]:
    return contacts.list_pages_by_engagement(EngagementId=engagement)["Pages"]


def test_seeded_contacts_and_plans(contacts: Any) -> None:
    found = contacts.list_contacts(Type="ESCALATION")["Contacts"]
    assert [c["Alias"] for c in found] == ["oncall-escalation"]
    plan = contacts.get_contact(ContactId=arn("oncall-escalation"))["Plan"]
    assert [s["DurationInMinutes"] for s in plan["Stages"]] == [5, 10]
    essential = plan["Stages"][1]["Targets"][1]["ContactTargetInfo"]["IsEssential"]
    assert essential is False
    channels = contacts.list_contact_channels(ContactId=arn("alice"))["ContactChannels"]
    assert channels[0]["DeliveryAddress"]["SimpleAddress"] == "alice@example.com"


def test_create_conflict_update_delete(contacts: Any) -> None:
    created = contacts.create_contact(Alias="dave", Type="PERSONAL", Plan={"Stages": []})
    with pytest.raises(contacts.exceptions.ConflictException):
        contacts.create_contact(Alias="dave", Type="PERSONAL", Plan={"Stages": []})
    contacts.update_contact(ContactId=created["ContactArn"], DisplayName="Dave Doe")
    assert contacts.get_contact(ContactId=created["ContactArn"])["DisplayName"] == "Dave Doe"
    contacts.delete_contact(ContactId=created["ContactArn"])
    with pytest.raises(contacts.exceptions.ResourceNotFoundException):
        contacts.get_contact(ContactId=created["ContactArn"])


def test_idempotent_create_and_invalid_type(contacts: Any) -> None:
    first = contacts.create_contact(
        Alias="erin", Type="PERSONAL", Plan={"Stages": []}, IdempotencyToken="t-erin"
    )
    again = contacts.create_contact(
        Alias="erin", Type="PERSONAL", Plan={"Stages": []}, IdempotencyToken="t-erin"
    )
    assert first["ContactArn"] == again["ContactArn"]
    with pytest.raises(contacts.exceptions.ValidationException, match="enum"):
        contacts.create_contact(Alias="frank", Type="ROBOT", Plan={"Stages": []})


def test_channel_activation_codes(emulator: RunningEmulator, contacts: Any) -> None:
    channel = contacts.create_contact_channel(
        ContactId=arn("bob"),
        Name="bob-sms",
        Type="SMS",
        DeliveryAddress={"SimpleAddress": "+15555550199"},
    )["ContactChannelArn"]
    with pytest.raises(contacts.exceptions.ValidationException):
        contacts.activate_contact_channel(ContactChannelId=channel, ActivationCode="000000")
    code = next(
        m["activation_code"] for m in emulator.outbox() if m.get("contact_channel_arn") == channel
    )
    contacts.activate_contact_channel(ContactChannelId=channel, ActivationCode=code)
    got = contacts.get_contact_channel(ContactChannelId=channel)
    assert got["ActivationStatus"] == "ACTIVATED"


def test_personal_engagement_pages_at_once_with_receipts(
    emulator: RunningEmulator, contacts: Any
) -> None:
    page_alice = {
        "ContactId": arn("alice"),
        "Sender": "bot",
        "Subject": "db down",
        "Content": "help",
        "IdempotencyToken": "page-alice-1",
    }
    engagement = contacts.start_engagement(**page_alice)["EngagementArn"]
    again = contacts.start_engagement(**page_alice)["EngagementArn"]  # the same token: the same
    assert engagement == again
    [page] = pages(contacts, engagement)
    receipts = contacts.list_page_receipts(PageId=page["PageArn"])["Receipts"]
    assert [r["ReceiptType"] for r in receipts] == ["SENT", "DELIVERED"]
    emulator.advance(5 * 60)
    receipts = contacts.list_page_receipts(PageId=page["PageArn"])["Receipts"]
    assert len(receipts) == 4  # the SMS stage after 5 minutes


def test_escalation_runs_stages_until_an_essential_ack(
    emulator: RunningEmulator, contacts: Any
) -> None:
    engagement = engage(contacts, "oncall-escalation")
    assert [p["ContactArn"] for p in pages(contacts, engagement)] == [arn("alice")]
    emulator.advance(5 * 60)
    stage_two = pages(contacts, engagement)[1:]
    assert {p["ContactArn"] for p in stage_two} == {arn("bob"), arn("carol")}
    carol_page = next(p for p in stage_two if p["ContactArn"] == arn("carol"))
    contacts.accept_page(
        PageId=carol_page["PageArn"],
        AcceptType="READ",
        AcceptCode=page_code(emulator, carol_page["PageArn"]),
    )
    assert "StopTime" not in contacts.describe_engagement(EngagementId=engagement)
    bob_page = next(p for p in stage_two if p["ContactArn"] == arn("bob"))
    contacts.accept_page(
        PageId=bob_page["PageArn"],
        AcceptType="READ",
        AcceptCode="000000",
        AcceptCodeValidation="IGNORE",
    )
    assert "StopTime" in contacts.describe_engagement(EngagementId=engagement)
    assert contacts.describe_page(PageId=bob_page["PageArn"])["ReadTime"] is not None


def test_an_essential_ack_in_stage_one_stops_stage_two(
    emulator: RunningEmulator, contacts: Any
) -> None:
    engagement = engage(contacts, "oncall-escalation")
    [first] = pages(contacts, engagement)
    with pytest.raises(contacts.exceptions.ValidationException, match="accept code"):
        contacts.accept_page(PageId=first["PageArn"], AcceptType="READ", AcceptCode="999999x"[:6])
    contacts.accept_page(
        PageId=first["PageArn"],
        AcceptType="READ",
        AcceptCode=page_code(emulator, first["PageArn"]),
    )
    emulator.advance(30 * 60)
    assert len(pages(contacts, engagement)) == 1


def test_stop_engagement_and_list_by_incident(emulator: RunningEmulator, contacts: Any) -> None:
    incident = "arn:aws:ssm-incidents::111122223333:incident-record/critical-service/abc"
    engagement = contacts.start_engagement(
        ContactId=arn("oncall-escalation"),
        Sender="bot",
        Subject="s",
        Content="c",
        IncidentId=incident,
    )["EngagementArn"]
    contacts.stop_engagement(EngagementId=engagement, Reason="resolved")
    emulator.advance(30 * 60)
    assert len(pages(contacts, engagement)) == 1
    listed = contacts.list_engagements(IncidentId=incident)["Engagements"]
    assert [e["EngagementArn"] for e in listed] == [engagement]
    by_contact = contacts.list_pages_by_contact(ContactId=arn("alice"))["Pages"]
    assert by_contact[0]["IncidentId"] == incident


def test_paginators_and_rotation_shifts(emulator: RunningEmulator, contacts: Any) -> None:
    aliases = [
        c["Alias"]
        for page in contacts.get_paginator("list_contacts").paginate(
            PaginationConfig={"PageSize": 1}
        )
        for c in page["Contacts"]
    ]
    assert aliases == ["alice", "bob", "carol", "primary-oncall", "oncall-escalation"]
    [rotation] = contacts.list_rotations()["Rotations"]
    now = emulator.clock.now()
    shifts = contacts.list_rotation_shifts(
        RotationId=rotation["RotationArn"], StartTime=now, EndTime=now + timedelta(days=21)
    )["RotationShifts"]
    assert [s["ContactIds"][0] for s in shifts[:3]] == [arn("alice"), arn("bob"), arn("carol")]


def test_a_rotation_override_changes_who_is_on_call_and_who_is_paged(
    emulator: RunningEmulator, contacts: Any
) -> None:
    [rotation] = contacts.list_rotations()["Rotations"]
    rotation_id, now = rotation["RotationArn"], emulator.clock.now()
    window = {"StartTime": now, "EndTime": now + timedelta(days=1)}
    request = {
        "RotationId": rotation_id,
        "NewContactIds": [arn("carol")],
        "StartTime": now - timedelta(hours=1),
        "EndTime": now + timedelta(hours=2),
        "IdempotencyToken": "cover-for-alice",
    }
    override = contacts.create_rotation_override(**request)["RotationOverrideId"]
    assert contacts.create_rotation_override(**request)["RotationOverrideId"] == override

    covered, after = contacts.list_rotation_shifts(RotationId=rotation_id, **window)[
        "RotationShifts"
    ][:2]
    assert (covered["Type"], covered["ContactIds"]) == ("OVERRIDDEN", [arn("carol")])
    assert covered["ShiftDetails"]["OverriddenContactIds"] == [arn("alice")]
    assert covered["EndTime"] == after["StartTime"] == request["EndTime"]
    assert (after["Type"], after["ContactIds"]) == ("REGULAR", [arn("alice")])
    [listed] = contacts.list_rotation_overrides(RotationId=rotation_id, **window)[
        "RotationOverrides"
    ]
    assert listed["NewContactIds"] == [arn("carol")]
    got = contacts.get_rotation_override(RotationId=rotation_id, RotationOverrideId=override)
    assert got["RotationArn"] == rotation_id

    engaged = engage(contacts, "primary-oncall")
    assert [p["ContactArn"] for p in pages(contacts, engaged)] == [arn("carol")]

    contacts.delete_rotation_override(RotationId=rotation_id, RotationOverrideId=override)
    assert (
        contacts.list_rotation_overrides(RotationId=rotation_id, **window)["RotationOverrides"]
        == []
    )
    with pytest.raises(contacts.exceptions.ResourceNotFoundException):
        contacts.get_rotation_override(RotationId=rotation_id, RotationOverrideId=override)
    engaged = engage(contacts, "primary-oncall")
    assert [p["ContactArn"] for p in pages(contacts, engaged)] == [arn("alice")]
    with pytest.raises(contacts.exceptions.ValidationException):
        contacts.create_rotation_override(
            RotationId=rotation_id, NewContactIds=[arn("bob")], StartTime=now, EndTime=now
        )


def test_update_rotation_and_preview_shifts(emulator: RunningEmulator, contacts: Any) -> None:
    [rotation] = contacts.list_rotations()["Rotations"]
    now = emulator.clock.now()
    weekly = rotation["Recurrence"]
    contacts.update_rotation(
        RotationId=rotation["RotationArn"],
        ContactIds=[arn("bob"), arn("alice")],
        StartTime=now,
        Recurrence=weekly,
    )
    updated = contacts.get_rotation(RotationId=rotation["RotationArn"])
    assert updated["ContactIds"] == [arn("bob"), arn("alice")]
    shifts = contacts.list_rotation_shifts(
        RotationId=rotation["RotationArn"], StartTime=now, EndTime=now + timedelta(days=14)
    )["RotationShifts"]
    assert [s["ContactIds"] for s in shifts] == [[arn("bob")], [arn("alice")]]
    with pytest.raises(contacts.exceptions.ResourceNotFoundException):
        contacts.update_rotation(RotationId=f"{ACCOUNT}:rotation/nope", Recurrence=weekly)
    with pytest.raises(contacts.exceptions.ResourceNotFoundException):
        contacts.update_rotation(
            RotationId=rotation["RotationArn"], ContactIds=[arn("nobody")], Recurrence=weekly
        )

    preview = contacts.list_preview_rotation_shifts(
        RotationStartTime=now,
        StartTime=now,
        EndTime=now + timedelta(days=3),
        Members=["carol", "alice"],
        TimeZoneId="UTC",
        Recurrence={
            "NumberOfOnCalls": 1,
            "RecurrenceMultiplier": 1,
            "DailySettings": [{"HourOfDay": 9, "MinuteOfHour": 0}],
        },
        Overrides=[
            {
                "NewMembers": ["bob"],
                "StartTime": now + timedelta(days=2),
                "EndTime": now + timedelta(days=3),
            }
        ],
    )["RotationShifts"]
    assert [(s["Type"], s["ContactIds"]) for s in preview] == [
        ("REGULAR", ["carol"]),
        ("REGULAR", ["alice"]),
        ("OVERRIDDEN", ["bob"]),
    ]
    assert contacts.list_rotations()["Rotations"][0]["ContactIds"] == [arn("bob"), arn("alice")]
    with pytest.raises(contacts.exceptions.ValidationException):
        contacts.list_preview_rotation_shifts(
            StartTime=now, EndTime=now, Members=["a"], TimeZoneId="UTC", Recurrence=weekly
        )


def test_page_resolutions_show_the_path_to_the_person(
    emulator: RunningEmulator, contacts: Any
) -> None:
    engaged = engage(contacts, "oncall-escalation")
    [first] = pages(contacts, engaged)
    assert contacts.list_page_resolutions(PageId=first["PageArn"])["PageResolutions"] == [
        {"ContactArn": arn("oncall-escalation"), "Type": "ESCALATION", "StageIndex": 0},
        {"ContactArn": arn("alice"), "Type": "PERSONAL"},
    ]
    emulator.advance(5 * 60)
    bob = next(p for p in pages(contacts, engaged) if p["ContactArn"] == arn("bob"))
    resolution = contacts.list_page_resolutions(PageId=bob["PageArn"])["PageResolutions"]
    assert resolution[0]["StageIndex"] == 1

    on_call = engage(contacts, "primary-oncall")
    [paged] = pages(contacts, on_call)
    assert [
        r["Type"]
        for r in contacts.list_page_resolutions(PageId=paged["PageArn"])["PageResolutions"]
    ] == ["ONCALL_SCHEDULE", "PERSONAL"]
    with pytest.raises(contacts.exceptions.ResourceNotFoundException):
        contacts.list_page_resolutions(PageId=f"{ACCOUNT}:page/nope/1")


def test_contact_policies(contacts: Any) -> None:
    document = json.dumps({"Version": "2012-10-17", "Statement": []})
    with pytest.raises(contacts.exceptions.ResourceNotFoundException):
        contacts.get_contact_policy(ContactArn=arn("alice"))
    contacts.put_contact_policy(ContactArn=arn("alice"), Policy=document)
    assert contacts.get_contact_policy(ContactArn=arn("alice"))["Policy"] == document
    with pytest.raises(contacts.exceptions.ValidationException):
        contacts.put_contact_policy(ContactArn=arn("alice"), Policy="{not json")
    with pytest.raises(contacts.exceptions.ResourceNotFoundException):
        contacts.put_contact_policy(ContactArn=arn("nobody"), Policy=document)
