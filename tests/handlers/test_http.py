"""HTTP mode as Slack and operators reach it: signed requests, /healthz, /metrics."""

from __future__ import annotations

import aiohttp

from bot.store.database import Database
from tests.support import Stack, eventually


async def test_help_answers_ephemerally_with_every_subcommand(stack: Stack) -> None:
    user = stack.slack.add_user("dana", email="dana@example.com")
    channel = stack.slack.add_channel("general", members=[user])

    response = await stack.sender.slash_command(
        "/incident", "help", user_id=user, channel_id=channel
    )

    assert response.status == 200
    replies = await eventually(lambda: stack.slack.calls_to("response_url"))
    reply = replies[0].args
    assert reply["response_type"] == "ephemeral"
    text = " ".join(block["text"]["text"] for block in reply["blocks"] if "text" in block)
    assert "`/incident help`" in text


async def test_an_unknown_subcommand_says_how_to_find_the_right_one(stack: Stack) -> None:
    user = stack.slack.add_user("dana")
    channel = stack.slack.add_channel("general", members=[user])

    await stack.sender.slash_command("/incident", "frobnicate", user_id=user, channel_id=channel)

    replies = await eventually(lambda: stack.slack.calls_to("response_url"))
    assert "`/incident frobnicate` is not a command I know" in replies[0].args["text"]
    assert "/incident help" in replies[0].args["text"]


async def test_a_forged_signature_is_refused_and_reaches_nothing(stack: Stack) -> None:
    user = stack.slack.add_user("mallory")
    channel = stack.slack.add_channel("general", members=[user])
    stack.slack.clear()

    response = await stack.sender.slash_command(
        "/incident", "help", user_id=user, channel_id=channel, signing_secret="not-the-secret"
    )

    assert response.status == 401
    assert stack.slack.calls == []


async def test_a_stale_timestamp_is_refused(stack: Stack) -> None:
    user = stack.slack.add_user("mallory")
    channel = stack.slack.add_channel("general", members=[user])
    stack.slack.clear()

    response = await stack.sender.slash_command(
        "/incident", "help", user_id=user, channel_id=channel, timestamp_offset=-6 * 60
    )

    assert response.status == 401
    assert stack.slack.calls == []


async def test_healthz_reports_the_database(stack: Stack) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{stack.url}/healthz") as response:
            assert response.status == 200
            assert (await response.json())["database"] == "ok"
        healthy = stack.services.database
        stack.services.database = Database("sqlite:////nonexistent/dir/bot.db")
        try:
            async with http.get(f"{stack.url}/healthz") as response:
                assert response.status == 503
                assert (await response.json())["database"] == "unreachable"
        finally:
            await stack.services.database.close()
            stack.services.database = healthy


async def test_metrics_count_slack_requests(stack: Stack) -> None:
    user = stack.slack.add_user("dana")
    channel = stack.slack.add_channel("general", members=[user])
    await stack.sender.slash_command("/incident", "help", user_id=user, channel_id=channel)

    async with aiohttp.ClientSession() as http, http.get(f"{stack.url}/metrics") as response:
        body = await response.text()
    assert response.status == 200
    assert "incident_bot_slack_requests_total" in body
