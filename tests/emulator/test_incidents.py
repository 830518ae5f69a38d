"""ssm-incidents through an unmodified boto3 client against the running emulator."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest

from emulator.incidents.records import IncidentRecords
from emulator.testing import RunningEmulator


@pytest.fixture
def incidents(emulator: RunningEmulator) -> Any:
    return emulator.client("ssm-incidents")


def plan_arn(incidents: Any, name: str = "critical-service") -> str:
    plans = incidents.list_response_plans()["responsePlanSummaries"]
    return next(plan["arn"] for plan in plans if plan["name"] == name)


def start(incidents: Any, **params: Any) -> str:
    return incidents.start_incident(responsePlanArn=plan_arn(incidents), **params)[
        "incidentRecordArn"
    ]


def test_start_incident_applies_the_plan_template(incidents: Any) -> None:
    arn = start(incidents)
    record = incidents.get_incident_record(arn=arn)["incidentRecord"]
    assert arn.startswith("arn:aws:ssm-incidents::111122223333:incident-record/critical-service/")
    assert record["title"] == "Critical service outage"
    assert record["impact"] == 1
    assert record["status"] == "OPEN"
    assert record["summary"] == "A customer-facing service is down."
    assert record["incidentRecordSource"]["source"] == "aws.ssm-incidents.custom"


def test_start_incident_overrides_and_related_items(incidents: Any) -> None:
    arn = start(
        incidents,
        title="Checkout errors",
        impact=3,
        relatedItems=[{"identifier": {"type": "OTHER", "value": {"url": "https://x.test/a"}}}],
    )
    record = incidents.get_incident_record(arn=arn)["incidentRecord"]
    assert (record["title"], record["impact"]) == ("Checkout errors", 3)
    items = incidents.list_related_items(incidentRecordArn=arn)["relatedItems"]
    assert items[0]["identifier"]["value"]["url"] == "https://x.test/a"


def test_a_repeated_client_token_returns_the_first_incident(incidents: Any) -> None:
    first = start(incidents, clientToken="declare-1")
    again = start(incidents, clientToken="declare-1")
    other = start(incidents, clientToken="declare-2")
    assert first == again != other
    assert len(incidents.list_incident_records()["incidentRecordSummaries"]) == 2


def test_start_incident_writes_a_timeline_event(incidents: Any) -> None:
    arn = start(incidents)
    events = incidents.list_timeline_events(incidentRecordArn=arn)["eventSummaries"]
    assert [event["eventType"] for event in events] == ["SSM Incident Trigger"]


def test_update_resolves_and_reopens_with_timeline_events(incidents: Any) -> None:
    arn = start(incidents)
    incidents.update_incident_record(arn=arn, status="RESOLVED", summary="Fixed")
    record = incidents.get_incident_record(arn=arn)["incidentRecord"]
    assert record["status"] == "RESOLVED" and "resolvedTime" in record
    assert record["summary"] == "Fixed"
    incidents.update_incident_record(arn=arn, status="OPEN")
    assert "resolvedTime" not in incidents.get_incident_record(arn=arn)["incidentRecord"]
    events = incidents.list_timeline_events(incidentRecordArn=arn)["eventSummaries"]
    updates = [e for e in events if e["eventType"] == "SSM Incident Record Update"]
    assert len(updates) == 2
    data = json.loads(
        incidents.get_timeline_event(incidentRecordArn=arn, eventId=updates[0]["eventId"])["event"][
            "eventData"
        ]
    )
    assert data["modifiedAttributes"]["status"] == "RESOLVED"


@pytest.mark.parametrize(
    ("params", "field"),
    [({"impact": 6}, "impact"), ({"title": "x" * 201}, "title"), ({"status": "DONE"}, "status")],
)
def test_values_beyond_the_model_are_a_validation_error(
    incidents: Any, params: dict[str, Any], field: str
) -> None:
    arn = start(incidents)
    with pytest.raises(incidents.exceptions.ValidationException, match=f"at '{field}'"):
        incidents.update_incident_record(arn=arn, **params)
    assert incidents.get_incident_record(arn=arn)["incidentRecord"]["impact"] == 1


def test_unknown_incident_is_not_found(incidents: Any) -> None:
    with pytest.raises(incidents.exceptions.ResourceNotFoundException) as caught:
        incidents.get_incident_record(
            arn="arn:aws:ssm-incidents::111122223333:incident-record/critical-service/nope"
        )
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_related_items_conflict_and_not_found(incidents: Any) -> None:
    arn = start(incidents)
    item = {"identifier": {"type": "OTHER", "value": {"url": "https://runbook.test/db"}}}
    incidents.update_related_items(incidentRecordArn=arn, relatedItemsUpdate={"itemToAdd": item})
    with pytest.raises(incidents.exceptions.ConflictException) as caught:
        incidents.update_related_items(
            incidentRecordArn=arn, relatedItemsUpdate={"itemToAdd": item}
        )
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    incidents.update_related_items(
        incidentRecordArn=arn, relatedItemsUpdate={"itemToRemove": item["identifier"]}
    )
    with pytest.raises(incidents.exceptions.ResourceNotFoundException):
        incidents.update_related_items(
            incidentRecordArn=arn, relatedItemsUpdate={"itemToRemove": item["identifier"]}
        )
    assert incidents.list_related_items(incidentRecordArn=arn)["relatedItems"] == []


def test_timeline_events_crud_sort_and_filter(incidents: Any) -> None:
    arn = start(incidents)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    ids = [
        incidents.create_timeline_event(
            incidentRecordArn=arn,
            eventTime=base + timedelta(minutes=minute),
            eventType="Custom Event",
            eventData=json.dumps({"note": f"n{minute}"}),
        )["eventId"]
        for minute in (1, 2, 3)
    ]
    newest_first = incidents.list_timeline_events(
        incidentRecordArn=arn,
        sortBy="EVENT_TIME",
        sortOrder="DESCENDING",
        filters=[{"key": "eventTime", "condition": {"before": base + timedelta(hours=1)}}],
    )["eventSummaries"]
    assert [e["eventId"] for e in newest_first] == list(reversed(ids))
    incidents.update_timeline_event(incidentRecordArn=arn, eventId=ids[0], eventData='"edited"')
    event = incidents.get_timeline_event(incidentRecordArn=arn, eventId=ids[0])["event"]
    assert event["eventData"] == '"edited"'
    incidents.delete_timeline_event(incidentRecordArn=arn, eventId=ids[0])
    with pytest.raises(incidents.exceptions.ResourceNotFoundException):
        incidents.get_timeline_event(incidentRecordArn=arn, eventId=ids[0])


def test_list_filters_and_paginators(incidents: Any) -> None:
    arns = [start(incidents, title=f"incident {n}") for n in range(5)]
    incidents.update_incident_record(arn=arns[0], status="RESOLVED")
    open_only = incidents.list_incident_records(
        filters=[{"key": "status", "condition": {"equals": {"stringValues": ["OPEN"]}}}]
    )["incidentRecordSummaries"]
    assert {r["arn"] for r in open_only} == set(arns[1:])
    pages = list(
        incidents.get_paginator("list_incident_records").paginate(PaginationConfig={"PageSize": 2})
    )
    assert [len(page["incidentRecordSummaries"]) for page in pages] == [2, 2, 1]
    for minute in range(3):
        incidents.create_timeline_event(
            incidentRecordArn=arns[1],
            eventTime=datetime(2026, 1, 1, 0, minute, tzinfo=UTC),
            eventType="Custom Event",
            eventData="{}",
        )
    events = [
        e
        for page in incidents.get_paginator("list_timeline_events").paginate(
            incidentRecordArn=arns[1], PaginationConfig={"PageSize": 1}
        )
        for e in page["eventSummaries"]
    ]
    assert len(events) == 4


def test_tags_on_a_response_plan(incidents: Any) -> None:
    arn = plan_arn(incidents)
    incidents.tag_resource(resourceArn=arn, tags={"team": "payments"})
    assert incidents.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "payments"}
    incidents.untag_resource(resourceArn=arn, tagKeys=["team"])
    assert incidents.list_tags_for_resource(resourceArn=arn)["tags"] == {}


def test_an_operation_a_newer_botocore_adds_is_named_not_faked(
    incidents: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(IncidentRecords, "ListIncidentFindings")  # as if the model grew
    with pytest.raises(incidents.exceptions.ClientError, match="does not implement"):
        incidents.list_incident_findings(incidentRecordArn=start(incidents))


def test_replication_set_regions_and_deletion_protection(incidents: Any) -> None:
    [arn] = incidents.list_replication_sets()["replicationSetArns"]
    add = {"addRegionAction": {"regionName": "eu-west-1"}}
    incidents.update_replication_set(arn=arn, actions=[add], clientToken="add-eu")
    incidents.update_replication_set(arn=arn, actions=[add], clientToken="add-eu")  # a retry
    regions = incidents.get_replication_set(arn=arn)["replicationSet"]["regionMap"]
    assert sorted(regions) == ["eu-west-1", "us-east-1"]
    for wrong in (
        [add],
        [{"deleteRegionAction": {"regionName": "ap-south-1"}}],
        [{"deleteRegionAction": {"regionName": r}} for r in regions],
    ):
        with pytest.raises(incidents.exceptions.ValidationException):
            incidents.update_replication_set(arn=arn, actions=wrong)
    incidents.update_replication_set(
        arn=arn, actions=[{"deleteRegionAction": {"regionName": "eu-west-1"}}]
    )
    assert list(incidents.get_replication_set(arn=arn)["replicationSet"]["regionMap"]) == [
        "us-east-1"
    ]

    incidents.update_deletion_protection(arn=arn, deletionProtected=True)
    assert incidents.get_replication_set(arn=arn)["replicationSet"]["deletionProtected"]
    with pytest.raises(incidents.exceptions.ValidationException, match="Deletion protection"):
        incidents.delete_replication_set(arn=arn)
    incidents.update_deletion_protection(arn=arn, deletionProtected=False)
    incidents.delete_replication_set(arn=arn)
    for call in (
        lambda: incidents.update_deletion_protection(arn=arn, deletionProtected=True),
        lambda: incidents.update_replication_set(arn=arn, actions=[add]),
    ):
        with pytest.raises(incidents.exceptions.ResourceNotFoundException):
            call()


def test_resource_policies_on_a_response_plan(incidents: Any) -> None:
    arn = plan_arn(incidents)
    document = json.dumps({"Version": "2012-10-17", "Statement": []})
    policy = incidents.put_resource_policy(resourceArn=arn, policy=document)["policyId"]
    [listed] = incidents.get_resource_policies(resourceArn=arn)["resourcePolicies"]
    assert (listed["policyId"], listed["policyDocument"]) == (policy, document)
    with pytest.raises(incidents.exceptions.ValidationException):
        incidents.put_resource_policy(resourceArn=arn, policy="not json")
    incidents.delete_resource_policy(resourceArn=arn, policyId=policy)
    assert incidents.get_resource_policies(resourceArn=arn)["resourcePolicies"] == []
    with pytest.raises(incidents.exceptions.ResourceNotFoundException):
        incidents.delete_resource_policy(resourceArn=arn, policyId=policy)
    with pytest.raises(incidents.exceptions.ResourceNotFoundException):
        incidents.get_resource_policies(resourceArn=f"{arn}-gone")


def test_findings_are_none_without_deployment_integrations(incidents: Any) -> None:
    arn = start(incidents)
    assert incidents.list_incident_findings(incidentRecordArn=arn)["findings"] == []
    answer = incidents.batch_get_incident_findings(incidentRecordArn=arn, findingIds=["f-1"])
    assert answer["findings"] == []
    assert answer["errors"][0]["findingId"] == "f-1"
    with pytest.raises(incidents.exceptions.ResourceNotFoundException):
        incidents.list_incident_findings(incidentRecordArn=f"{arn}0")


async def test_raw_http_validation_and_unknown_routes(emulator: RunningEmulator) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{emulator.url}/startIncident", json={}) as response:
            assert response.status == 400
            assert response.headers["x-amzn-ErrorType"] == "ValidationException"
            assert "responsePlanArn" in (await response.json())["message"]
        async with http.post(f"{emulator.url}/noSuchThing", json={}) as response:
            assert response.status == 404
        async with http.post(
            f"{emulator.url}/",
            data=b"{}",
            headers={"X-Amz-Target": "SSMContacts.Frobnicate"},
        ) as response:
            assert response.status == 400
            assert json.loads(await response.text())["__type"] == "UnknownOperationException"
