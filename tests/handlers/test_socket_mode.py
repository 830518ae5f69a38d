"""``incident-bot run`` in Socket Mode: Slack's requests arrive as envelopes over a WebSocket."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import aiohttp

from emulator.slack import RunningFakeSlack, SocketModeSender
from emulator.testing import RunningEmulator, free_port
from tests.processes import ROOT, BotProcess, bot_env, declare_over_http
from tests.support import eventually

APP_TOKEN = "xapp-1-A0INCIDENT-1-socketmode"


def socket_mode_env(slack: RunningFakeSlack, aws: RunningEmulator, tmp_path: Path) -> dict:
    """An app-level token and no signing secret, as a Socket Mode install has."""
    database = f"sqlite:///{tmp_path / 'bot.db'}"
    env = bot_env(slack.api_url, aws.url, database, "", SLACK_APP_TOKEN=APP_TOKEN)
    env.pop("SLACK_SIGNING_SECRET")
    return env


async def incident_bot(env: dict[str, str], *args: str) -> tuple[int | None, str, str]:
    """The command run to its end without blocking the loop the fake Slack answers on."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    return process.returncode, stdout.decode(), stderr.decode()


async def test_socket_mode_serves_commands_and_the_declare_modal(
    emulator: RunningEmulator, slack: RunningFakeSlack, tmp_path: Path
) -> None:
    fake = slack.fake
    bot = BotProcess(socket_mode_env(slack, emulator, tmp_path), free_port(), tmp_path / "bot.log")
    dana = fake.add_user("dana", email="dana@example.com")
    ops = fake.add_channel("ops", members=[dana])
    await bot.start()
    try:
        await fake.socket_mode.connected()
        sender = SocketModeSender(fake)

        answer = await sender.slash_command("/incident", "help", dana, ops)
        assert answer.status == 200  # acknowledged over the WebSocket within Slack's 3 s
        help_text = await eventually(lambda: fake.ephemerals_for(dana))
        assert "/incident declare" in str(help_text[-1]["blocks"])

        channel = await declare_over_http(sender, sender, dana, ops, "Socket outage")
        assert channel.name.endswith("socket-outage")
        records = emulator.client("ssm-incidents").list_incident_records()
        assert [r["title"] for r in records["incidentRecordSummaries"]] == ["Socket outage"]
        opened = fake.calls_to("apps.connections.open")
        assert opened and all(call.response["ok"] for call in opened)
    finally:
        await bot.stop()
    assert "Traceback" not in (tmp_path / "bot.log").read_text()


async def test_socket_mode_serves_no_http_events_endpoint(
    emulator: RunningEmulator, slack: RunningFakeSlack, tmp_path: Path
) -> None:
    """Without a signing secret nothing could verify an HTTP request, so none is taken."""
    port = free_port()
    bot = BotProcess(socket_mode_env(slack, emulator, tmp_path), port, tmp_path / "bot.log")
    await bot.start()
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.post(f"http://127.0.0.1:{port}/slack/events", data="command=/incident") as answer,
        ):
            assert answer.status == 404
        assert slack.fake.calls_to("chat.postMessage") == []
    finally:
        await bot.stop()


async def test_a_refused_app_token_stops_start_up_with_one_line(
    emulator: RunningEmulator, slack: RunningFakeSlack, tmp_path: Path
) -> None:
    slack.fake.revoked_tokens.add(APP_TOKEN)
    env = socket_mode_env(slack, emulator, tmp_path)
    status, _, message = await incident_bot(env, "run", "--port", str(free_port()))
    assert status == 2
    assert "incident-bot: SLACK_APP_TOKEN was refused by Slack (token_revoked)" in message
    assert "connections:write" in message
    assert "Traceback" not in message and APP_TOKEN not in message


async def test_check_reports_whether_socket_mode_can_connect(
    emulator: RunningEmulator, slack: RunningFakeSlack, tmp_path: Path
) -> None:
    env = socket_mode_env(slack, emulator, tmp_path)

    _, report, _ = await incident_bot(env, "check")
    assert "OK   Slack Socket Mode: app-level token accepted: Socket Mode can connect" in report
    slack.fake.revoked_tokens.add(APP_TOKEN)
    _, report, _ = await incident_bot(env, "check")
    failed = [line for line in report.splitlines() if "Socket Mode" in line]
    assert failed == [
        "FAIL Slack Socket Mode: SLACK_APP_TOKEN was refused by Slack (token_revoked): generate an "
        "app-level token (xapp-…) with the connections:write scope under 'Basic Information' to "
        "use Socket Mode, or unset it to use HTTP mode."
    ]
