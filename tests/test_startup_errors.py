"""What goes wrong at start is one line naming the cause and the fix, with no traceback."""

from __future__ import annotations

import asyncio
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.slack import RunningFakeSlack
from emulator.testing import RunningEmulator, free_port
from tests.support import BOT_TOKEN
from tests.test_cli import CLEAN_ENV, incident_bot

ROOT = Path(__file__).resolve().parent.parent
UNREACHABLE = "http://127.0.0.1:9"


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """The single stderr line of a failed command (and that nothing else was said)."""
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield taken.getsockname()[1]


def bot_env(slack_api_url: str, aws_url: str, **extra: str) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": "s",
        "SLACK_API_URL": slack_api_url,
        "AWS_ENDPOINT_URL": aws_url,
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "emulator-secret",
        **extra,
    }


async def run_bot(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return await asyncio.to_thread(
        incident_bot, "run", "--host", "127.0.0.1", *args, cwd=tmp_path, **env
    )


async def test_run_on_a_busy_port(
    tmp_path: Path, busy_port: int, emulator: RunningEmulator, slack: RunningFakeSlack
) -> None:
    env = bot_env(slack.api_url, emulator.url)
    line = one_line_error(await run_bot(tmp_path, env, "--port", str(busy_port)))
    assert line == (
        f"incident-bot: port {busy_port} on 127.0.0.1 is already in use: stop what listens "
        "there, or choose another port with --port (or PORT)."
    )


def test_emulator_on_a_busy_port(tmp_path: Path, busy_port: int) -> None:
    line = one_line_error(incident_bot("emulator", "--port", str(busy_port), cwd=tmp_path))
    assert line == (
        f"incident-bot emulator: port {busy_port} on 127.0.0.1 is already in use: stop what "
        "listens there, or choose another port with --port."
    )


async def test_run_when_slack_is_unreachable(tmp_path: Path, emulator: RunningEmulator) -> None:
    env = bot_env(f"{UNREACHABLE}/api/", emulator.url)
    line = one_line_error(await run_bot(tmp_path, env))
    assert line.startswith(f"incident-bot: Slack at start: cannot reach {UNREACHABLE}/api/")
    assert line.endswith("check the network, a proxy (HTTPS_PROXY) or SLACK_API_URL")


async def test_run_when_aws_is_unreachable(tmp_path: Path, slack: RunningFakeSlack) -> None:
    line = one_line_error(await run_bot(tmp_path, bot_env(slack.api_url, UNREACHABLE)))
    assert line.startswith("incident-bot: AWS at start: Could not reach AWS Incident Manager")
    assert "check the bot's network and AWS_REGION" in line


async def test_run_with_a_refused_token(
    tmp_path: Path, emulator: RunningEmulator, slack: RunningFakeSlack
) -> None:
    slack.fake.revoked_tokens.add(BOT_TOKEN)
    line = one_line_error(await run_bot(tmp_path, bot_env(slack.api_url, emulator.url)))
    assert line.startswith(
        "incident-bot: Slack at start: auth.test answered token_revoked: SLACK_BOT_TOKEN was "
        "refused; create the Slack app from manifest.yml"
    )
    assert BOT_TOKEN not in line


async def test_run_with_a_read_only_database(
    tmp_path: Path, emulator: RunningEmulator, slack: RunningFakeSlack
) -> None:
    sqlite3.connect(tmp_path / "bot.db").close()
    url = f"sqlite:///file:{tmp_path / 'bot.db'}?mode=ro&uri=true"
    line = one_line_error(
        await run_bot(tmp_path, bot_env(slack.api_url, emulator.url, DATABASE_URL=url))
    )
    assert line.startswith(f"incident-bot: DATABASE_URL {url} failed at start (")
    assert "readonly database" in line
    assert line.endswith("give the bot's user write access to the file and its directory.")


async def test_run_says_where_it_listens_and_no_bolt_warning(
    tmp_path: Path, emulator: RunningEmulator, slack: RunningFakeSlack
) -> None:
    port = free_port()
    env = {**CLEAN_ENV, "PYTHONPATH": str(ROOT), **bot_env(slack.api_url, emulator.url)}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--host", "127.0.0.1", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        deadline = time.monotonic() + 30
        said = ""
        while "serving Slack" not in said and time.monotonic() < deadline:
            said += await asyncio.to_thread(process.stderr.readline)
    finally:
        process.terminate()
        said += process.communicate(timeout=30)[1]
    assert f"serving Slack over HTTP on http://127.0.0.1:{port}/slack/events" in said
    assert "will be unused" not in said
    assert "Traceback" not in said


NO_AWS_CREDENTIALS = {
    "AWS_REGION": "us-east-1",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
    "AWS_CONFIG_FILE": "/nonexistent",
    "AWS_EC2_METADATA_DISABLED": "true",
}


def test_check_without_a_token_fails_the_configuration_first(tmp_path: Path) -> None:
    result = incident_bot("check", cwd=tmp_path, **NO_AWS_CREDENTIALS)
    lines = result.stdout.splitlines()
    assert result.returncode == 1
    assert lines[0].startswith("FAIL configuration: SLACK_BOT_TOKEN is not set: create the")
    assert not any(line.startswith(("OK   configuration", "FAIL Slack")) for line in lines)
    assert result.stderr == ""


def test_check_names_missing_aws_credentials_and_creates_no_database(tmp_path: Path) -> None:
    result = incident_bot(
        "check",
        cwd=tmp_path,
        SLACK_BOT_TOKEN="xoxb-1",
        SLACK_SIGNING_SECRET="s",
        SLACK_API_URL=f"{UNREACHABLE}/api/",
        **NO_AWS_CREDENTIALS,
    )
    lines = result.stdout.splitlines()
    missing = (
        "No AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or "
        "AWS_PROFILE, or run the bot with an instance or task role."
    )
    assert f"FAIL AWS incidents: {missing}" in lines
    assert f"FAIL AWS contacts: {missing}" in lines
    assert "OK   database: incident-bot.db does not exist yet: `incident-bot run` creates it" in (
        lines
    )
    assert list(tmp_path.iterdir()) == []
    assert result.stderr == ""  # each failure is its line on stdout, not again as a log line


async def test_check_reads_an_existing_database_without_migrating_it(
    tmp_path: Path, emulator: RunningEmulator, slack: RunningFakeSlack
) -> None:
    database = tmp_path / "bot.db"
    sqlite3.connect(database).close()
    env = bot_env(slack.api_url, emulator.url, DATABASE_URL=f"sqlite:///{database}")
    result = await asyncio.to_thread(incident_bot, "check", cwd=tmp_path, **env)
    assert "OK   database: reachable, no schema yet: `incident-bot run` creates it" in (
        result.stdout.splitlines()
    )
    with sqlite3.connect(database) as connection:
        tables = connection.execute("SELECT name FROM sqlite_master").fetchall()
    assert tables == []
    assert result.returncode == 0, result.stdout
