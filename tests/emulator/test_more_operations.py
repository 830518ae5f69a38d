"""The remaining implemented operations, each through boto3: happy path and its error."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from emulator.testing import RunningEmulator

ALICE = "arn:aws:ssm-contacts:us-east-1:111122223333:contact/alice"


@pytest.fixture
def incidents(emulator: RunningEmulator) -> Any:
    return emulator.client("ssm-incidents")


@pytest.fixture
def contacts(emulator: RunningEmulator) -> Any:
    return emulator.client("ssm-contacts")


def test_replication_set_lifecycle(incidents: Any) -> None:
    [arn] = incidents.list_replication_sets()["replicationSetArns"]
    got = incidents.get_replication_set(arn=arn)["replicationSet"]
    assert got["status"] == "ACTIVE" and "us-east-1" in got["regionMap"]
    with pytest.raises(incidents.exceptions.ConflictException):
        incidents.create_replication_set(regions={"us-west-2": {}})
    incidents.delete_replication_set(arn=arn)
    with pytest.raises(incidents.exceptions.ResourceNotFoundException):
        incidents.get_replication_set(arn=arn)


def test_response_plan_update_conflict_and_delete(incidents: Any) -> None:
    created = incidents.create_response_plan(
        name="db", incidentTemplate={"title": "DB", "impact": 3}
    )["arn"]
    with pytest.raises(incidents.exceptions.ConflictException):
        incidents.create_response_plan(name="db", incidentTemplate={"title": "DB", "impact": 3})
    incidents.update_response_plan(arn=created, incidentTemplateImpact=2, displayName="Database")
    plan = incidents.get_response_plan(arn=created)
    assert (plan["incidentTemplate"]["impact"], plan["displayName"]) == (2, "Database")
    incidents.delete_response_plan(arn=created)
    with pytest.raises(incidents.exceptions.ResourceNotFoundException):
        incidents.get_response_plan(arn=created)


def test_delete_incident_record(incidents: Any) -> None:
    plan = incidents.list_response_plans()["responsePlanSummaries"][0]["arn"]
    arn = incidents.start_incident(responsePlanArn=plan)["incidentRecordArn"]
    incidents.delete_incident_record(arn=arn)
    with pytest.raises(incidents.exceptions.ResourceNotFoundException):
        incidents.get_incident_record(arn=arn)


def test_channel_update_deactivate_delete(contacts: Any) -> None:
    [email, _sms] = contacts.list_contact_channels(ContactId=ALICE)["ContactChannels"]
    arn = email["ContactChannelArn"]
    contacts.update_contact_channel(ContactChannelId=arn, Name="alice-work-email")
    contacts.deactivate_contact_channel(ContactChannelId=arn)
    got = contacts.get_contact_channel(ContactChannelId=arn)
    assert (got["Name"], got["ActivationStatus"]) == ("alice-work-email", "NOT_ACTIVATED")
    contacts.delete_contact_channel(ContactChannelId=arn)
    with pytest.raises(contacts.exceptions.ResourceNotFoundException):
        contacts.get_contact_channel(ContactChannelId=arn)


def test_describe_page_and_pages_by_contact(emulator: RunningEmulator, contacts: Any) -> None:
    engagement = contacts.start_engagement(
        ContactId=ALICE, Sender="s", Subject="Disk full", Content="c"
    )["EngagementArn"]
    [page] = contacts.list_pages_by_engagement(EngagementId=engagement)["Pages"]
    described = contacts.describe_page(PageId=page["PageArn"])
    assert (described["Subject"], described["ContactArn"]) == ("Disk full", ALICE)
    with pytest.raises(contacts.exceptions.ResourceNotFoundException):
        contacts.describe_page(PageId=page["PageArn"] + "0")


def test_rotation_get_overrides_delete(emulator: RunningEmulator, contacts: Any) -> None:
    [rotation] = contacts.list_rotations()["Rotations"]
    arn = rotation["RotationArn"]
    assert contacts.get_rotation(RotationId=arn)["Name"] == "primary-weekly"
    now = emulator.clock.now()
    overrides = contacts.list_rotation_overrides(
        RotationId=arn, StartTime=now, EndTime=now + timedelta(days=1)
    )
    assert overrides["RotationOverrides"] == []
    with pytest.raises(contacts.exceptions.ValidationException):
        contacts.list_rotation_shifts(RotationId=arn, StartTime=now, EndTime=now)
    contacts.delete_rotation(RotationId=arn)
    with pytest.raises(contacts.exceptions.ResourceNotFoundException):
        contacts.get_rotation(RotationId=arn)


def test_contact_tags(contacts: Any) -> None:
    contacts.tag_resource(ResourceARN=ALICE, Tags=[{"Key": "team", "Value": "db"}])
    assert contacts.list_tags_for_resource(ResourceARN=ALICE)["Tags"] == [
        {"Key": "team", "Value": "db"}
    ]
    contacts.untag_resource(ResourceARN=ALICE, TagKeys=["team"])
    assert contacts.list_tags_for_resource(ResourceARN=ALICE)["Tags"] == []
