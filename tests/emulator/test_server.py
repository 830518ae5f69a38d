"""The emulator as an operator meets it: CLI, control endpoints, persistence, its docs."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import boto3
import pytest

from emulator.coverage import operations_table
from emulator.testing import RunningEmulator, free_port
from tests.conftest import EXAMPLE_SEED

ROOT = Path(__file__).resolve().parents[2]


def test_the_docs_table_of_operations_is_current() -> None:
    assert operations_table() in (ROOT / "docs" / "emulator.md").read_text()


async def test_clock_endpoint_moves_time(emulator: RunningEmulator) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{emulator.url}/_emulator/clock/advance", json={"seconds": 600}
        ) as response:
            assert response.status == 200
            assert (await response.json())["offset_seconds"] == 600
        async with http.post(
            f"{emulator.url}/_emulator/clock/advance", json={"seconds": -1}
        ) as response:
            assert response.status == 400


async def test_faults_answer_with_documented_errors_then_clear(emulator: RunningEmulator) -> None:
    incidents, contacts = emulator.client("ssm-incidents"), emulator.client("ssm-contacts")
    faults = f"{emulator.url}/_emulator/faults"
    async with aiohttp.ClientSession() as http:
        denied = {"operation": "ListResponsePlans", "error": "AccessDeniedException", "times": 1}
        async with http.post(faults, json=denied) as response:
            assert response.status == 200
            [listed] = (await response.json())["faults"]
            assert listed["service"] == "ssm-incidents" and listed["times"] == 1
        with pytest.raises(incidents.exceptions.AccessDeniedException) as caught:
            incidents.list_response_plans()
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
        assert incidents.list_response_plans()["responsePlanSummaries"]  # used up: answers again

        lost = {"operation": "ListContacts", "error": "InternalServerException", "message": "x"}
        async with http.post(faults, json=lost) as response:
            assert response.status == 200
        for _ in range(2):  # until cleared; botocore's retries meet it too
            with pytest.raises(contacts.exceptions.InternalServerException):
                contacts.list_contacts()
        async with http.delete(faults) as response:
            assert (await response.json()) == {"faults": []}
        assert contacts.list_contacts()["Contacts"]

        for wrong, says in (
            ({"operation": "StartIncident", "error": "DataEncryptionException"}, "documents"),
            ({"operation": "Nope", "error": "ThrottlingException"}, "is not an operation"),
            ({"operation": "TagResource", "error": "ThrottlingException"}, "both services"),
            ({"operation": "StartIncident", "error": "ThrottlingException", "times": 0}, "times"),
            ({"operation": "StartIncident", "delay_seconds": -1}, "delay_seconds"),
            ({"operation": "StartIncident", "times": 1}, 'give "error"'),
        ):
            async with http.post(faults, json=wrong) as response:
                assert response.status == 400
                assert says in (await response.json())["error"]


async def test_a_delay_fault_answers_late_but_right(emulator: RunningEmulator) -> None:
    contacts = emulator.client("ssm-contacts")
    slow = {"operation": "ListContacts", "delay_seconds": 1.0, "times": 1}
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{emulator.url}/_emulator/faults", json=slow) as response,
    ):
        assert response.status == 200
    started = time.monotonic()
    assert contacts.list_contacts()["Contacts"]
    assert time.monotonic() - started >= 1.0
    started = time.monotonic()
    contacts.list_contacts()
    assert time.monotonic() - started < 1.0  # one answer only


async def test_a_fault_with_when_meets_only_the_calls_that_match(
    emulator: RunningEmulator,
) -> None:
    contacts = emulator.client("ssm-contacts")
    bob = emulator.contacts.contact_arn("bob")
    only_bob = {
        "operation": "GetContact",
        "error": "AccessDeniedException",
        "when": {"ContactId": bob},
    }
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{emulator.url}/_emulator/faults", json=only_bob) as response:
            assert response.status == 200
        async with http.post(
            f"{emulator.url}/_emulator/faults", json={**only_bob, "when": ["bob"]}
        ) as response:
            assert response.status == 400
    assert (
        contacts.get_contact(ContactId=emulator.contacts.contact_arn("alice"))["Alias"] == "alice"
    )
    with pytest.raises(contacts.exceptions.AccessDeniedException):
        contacts.get_contact(ContactId=bob)


def test_state_survives_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with RunningEmulator(seed=EXAMPLE_SEED, state_file=state) as first:
        incidents = first.client("ssm-incidents")
        plan = incidents.list_response_plans()["responsePlanSummaries"][0]["arn"]
        arn = incidents.start_incident(responsePlanArn=plan, title="kept", clientToken="t1")[
            "incidentRecordArn"
        ]
    with RunningEmulator(state_file=state) as second:
        incidents = second.client("ssm-incidents")
        record = incidents.get_incident_record(arn=arn)["incidentRecord"]
        assert record["title"] == "kept"
        retried = incidents.start_incident(responsePlanArn=plan, title="kept", clientToken="t1")
        assert retried["incidentRecordArn"] == arn
        assert len(incidents.list_incident_records()["incidentRecordSummaries"]) == 1


def test_incident_bot_emulator_serves_boto3(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "emulator", "--port", str(port), "--seed", str(EXAMPLE_SEED)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        client = boto3.client(
            "ssm-contacts",
            endpoint_url=f"http://127.0.0.1:{port}",
            region_name="us-east-1",
            aws_access_key_id="x",
            aws_secret_access_key="y",
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                contacts = client.list_contacts()["Contacts"]
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert "oncall-escalation" in {c["Alias"] for c in contacts}
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0].decode()
    assert f"AWS_ENDPOINT_URL=http://127.0.0.1:{port}" in output
