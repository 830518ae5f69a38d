"""The ``incident-bot`` command as a newcomer meets it: clear lines, never a traceback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from bot import __version__
from bot.check import run_checks
from bot.config import load_settings
from emulator.slack import RunningFakeSlack
from emulator.testing import RunningEmulator
from tests.support import BOT_TOKEN

ROOT = Path(__file__).resolve().parent.parent
CLEAN_ENV = {
    key: value
    for key, value in os.environ.items()
    if not key.startswith(("SLACK_", "AWS_", "DATABASE_URL", "TIME_SCALE"))
}


def incident_bot(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env={**CLEAN_ENV, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_version(tmp_path: Path) -> None:
    result = incident_bot("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == f"incident-bot {__version__}"


def test_run_without_a_slack_token_says_what_to_set(tmp_path: Path) -> None:
    result = incident_bot("run", cwd=tmp_path)
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN is not set" in result.stderr
    assert "OAuth & Permissions" in result.stderr
    assert "Traceback" not in result.stderr


def test_http_mode_without_a_signing_secret_says_what_to_set(tmp_path: Path) -> None:
    result = incident_bot("run", cwd=tmp_path, SLACK_BOT_TOKEN="xoxb-1")
    assert result.returncode == 2
    assert "SLACK_SIGNING_SECRET is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_token_of_the_wrong_kind_is_named(tmp_path: Path) -> None:
    result = incident_bot("run", cwd=tmp_path, SLACK_BOT_TOKEN="xapp-1-A-1-pasted-wrong")
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN is invalid (Value error, must start with xoxb-)" in result.stderr
    assert "xapp-1-A-1-pasted-wrong" not in result.stderr


def test_a_malformed_setting_is_one_line_naming_it(tmp_path: Path) -> None:
    result = incident_bot("run", cwd=tmp_path, TIME_SCALE="soon")
    assert result.returncode == 2
    assert result.stderr.strip().startswith("incident-bot: TIME_SCALE is invalid")
    assert len(result.stderr.strip().splitlines()) == 1


def test_check_reports_fail_with_the_reason_when_aws_is_unreachable(tmp_path: Path) -> None:
    result = incident_bot(
        "check",
        cwd=tmp_path,
        SLACK_BOT_TOKEN="xoxb-secret-token",
        SLACK_SIGNING_SECRET="s",
        SLACK_API_URL="http://127.0.0.1:9/api/",
        AWS_REGION="us-east-1",
        AWS_ACCESS_KEY_ID="AKIDEXAMPLE",
        AWS_SECRET_ACCESS_KEY="secret",
        AWS_ENDPOINT_URL="http://127.0.0.1:9",
    )
    lines = result.stdout.splitlines()
    assert result.returncode == 1
    assert lines[0].startswith("OK   configuration")
    assert any(line.startswith("FAIL AWS incidents: Could not reach") for line in lines)
    assert any(line.startswith("FAIL AWS contacts: Could not reach") for line in lines)
    assert any(line.startswith("FAIL Slack: cannot reach") for line in lines)
    assert any(line.startswith("OK   database") for line in lines)
    assert "Traceback" not in result.stdout + result.stderr
    assert "xoxb-secret-token" not in result.stdout + result.stderr


async def test_check_reads_the_responder_group(
    emulator: RunningEmulator,
    slack: RunningFakeSlack,
    aws_env: Callable[[str], None],
    tmp_path: Path,
) -> None:
    aws_env(emulator.url)
    group = slack.fake.add_usergroup([slack.fake.add_user("dave"), slack.fake.add_user("erin")])
    settings = load_settings(
        _env_file=None,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret="s",
        slack_api_url=slack.api_url,
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        responder_group=group,
    )
    lines = [outcome.line() for outcome in await run_checks(settings)]
    assert (
        f"OK   Slack responder group: {group} has 2 member(s) who may acknowledge any page" in lines
    )

    settings.responder_group = "S0NOSUCH"
    lines = [outcome.line() for outcome in await run_checks(settings)]
    assert (
        "FAIL Slack responder group: usergroups.users.list answered no_such_subteam: check "
        "RESPONDER_GROUP and that the app has the usergroups:read scope"
    ) in lines

    settings.admin_group = group
    lines = [outcome.line() for outcome in await run_checks(settings)]
    assert (
        f"OK   Slack admin group: {group} has 2 member(s) who may change any incident and "
        "link people"
    ) in lines


def test_the_bare_command_prints_the_help(tmp_path: Path) -> None:
    result = incident_bot(cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("usage: incident-bot")
    for command in ("run", "check", "demo", "playground", "manifest", "emulator"):
        assert f"\n    {command}" in result.stdout


def test_every_option_has_help_with_its_default(tmp_path: Path) -> None:
    for command in ("run", "check", "demo", "playground", "manifest", "emulator"):
        result = incident_bot(command, "--help", cwd=tmp_path)
        assert result.returncode == 0
        description, _, options = result.stdout.partition("options:")
        assert len(description.splitlines()) > 2, f"{command} has no description"
        entries = re.split(r"\n  (?=-)", options)[1:]
        for entry in entries:
            if not entry.startswith("-h"):
                assert "(default: " in entry, f"{command} {entry.split()[0]} has no default"


def test_manifest_prints_the_shipped_manifest(tmp_path: Path) -> None:
    result = incident_bot("manifest", cwd=tmp_path)
    assert result.returncode == 0
    shipped = (Path(__file__).parent.parent / "manifest.yml").read_text()
    assert result.stdout == shipped
    assert yaml.safe_load(result.stdout)["settings"]["socket_mode_enabled"] is True


def test_manifest_for_http_mode_sends_every_request_to_the_url(tmp_path: Path) -> None:
    result = incident_bot("manifest", "--http-url", "https://bot.example.org/", cwd=tmp_path)
    manifest = yaml.safe_load(result.stdout)
    events = "https://bot.example.org/slack/events"
    assert manifest["settings"]["socket_mode_enabled"] is False
    assert manifest["settings"]["interactivity"]["request_url"] == events
    assert manifest["settings"]["event_subscriptions"]["request_url"] == events
    assert {c["url"] for c in manifest["features"]["slash_commands"]} == {events}


@pytest.mark.skipif(
    Path(sys.prefix) != ROOT / ".venv", reason="scripts/run uses the checkout's own .venv"
)
def test_scripts_run_works_in_the_callers_directory(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("LOG_LEVEL=verbose\n")
    result = subprocess.run(
        [str(ROOT / "scripts" / "run"), "check"],
        cwd=tmp_path,
        env={**CLEAN_ENV, "PYTHON": sys.executable},  # the .venv's own Python: no rebuild
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "incident-bot: LOG_LEVEL is invalid" in result.stderr  # read from ./.env
