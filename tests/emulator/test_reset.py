"""``/_emulator/reset`` starts over as the emulator started: real time, the seed loaded again."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

from emulator.testing import RunningEmulator, free_port
from tests.conftest import EXAMPLE_SEED

ROOT = Path(__file__).resolve().parent.parent.parent


async def test_reset_puts_the_clock_back_and_loads_the_seed_again(
    emulator: RunningEmulator,
) -> None:
    incidents, contacts = emulator.client("ssm-incidents"), emulator.client("ssm-contacts")
    seeded = {c["Alias"] for c in contacts.list_contacts()["Contacts"]}
    contacts.create_contact(Alias="dave", Type="PERSONAL", Plan={"Stages": []})
    plan = incidents.list_response_plans()["responsePlanSummaries"][0]["arn"]
    incidents.start_incident(responsePlanArn=plan, title="before the reset")
    emulator.advance(3600)
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{emulator.url}/_emulator/reset") as answer:
            assert answer.status == 200
        async with http.get(f"{emulator.url}/_emulator/clock") as answer:
            assert (await answer.json())["offset_seconds"] == 0
    assert {c["Alias"] for c in contacts.list_contacts()["Contacts"]} == seeded
    assert incidents.list_incident_records()["incidentRecordSummaries"] == []
    assert incidents.list_response_plans()["responsePlanSummaries"]


def test_the_seed_is_skipped_when_the_state_file_exists_and_it_says_so(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with RunningEmulator(state_file=state) as first:
        first.client("ssm-contacts").create_contact(
            Alias="kept", Type="PERSONAL", Plan={"Stages": []}
        )
    port = free_port()
    command = ["emulator", "--port", str(port), "--state", str(state), "--seed", str(EXAMPLE_SEED)]
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", *command],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        said, deadline = "", time.monotonic() + 20
        while "Incident Manager emulator on" not in said and time.monotonic() < deadline:
            said += process.stderr.readline()
    finally:
        process.terminate()
        process.communicate(timeout=10)
    assert f"--seed {EXAMPLE_SEED} skipped: {state} exists and holds the state" in said
