"""Slack answering HTTP 500 with a page instead of JSON, or not answering at all, is an outage
the bot names as such to the person (when it can still reach them) and logs; no exception's
text reaches anyone."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError

from bot.slack.outage import SlackUnavailable, answered
from tests.support import (
    PLAN_ARN,
    Stack,
    declare_form,
    declare_values,
    eventually,
    replies,
)

OUTAGE = "Slack is not answering"
INTERNALS = ("Error", "Traceback", "object has no attribute", "None")


@pytest.mark.parametrize("kind", ["html-500", "text-500"])
async def test_a_declaration_during_an_outage_says_slack_is_down_and_finishes_later(
    stack: Stack, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    user = stack.slack.add_user("dana")
    origin = stack.slack.add_channel("ops", members=[user])
    view = await declare_form(stack, user, origin, "Checkout errors")
    stack.slack.outage("conversations.create", kind)
    await stack.sender.view_submission(
        user, view["id"], declare_values("Checkout errors", 2, PLAN_ARN)
    )
    [told] = await eventually(lambda: [e["text"] for e in stack.slack.ephemerals_for(user)])
    assert told.startswith(":warning: Declared *Checkout errors*")
    assert (
        "• the incident channel is not done yet (Slack is not answering: it answered HTTP 500 "
        "without Slack's JSON, an outage on Slack's side); the bot will retry." in told
    )
    assert not any(word in told for word in INTERNALS)
    logged = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(
        line.startswith("Slack outage: conversations.create: it answered") for line in logged
    )
    # the channel is pending, not failed: the sweep makes it once Slack is back
    await stack.services.declarations.finish_pending()
    made = await eventually(lambda: stack.slack.calls_to("pins.add"))
    assert made[0].response["ok"]


async def test_a_command_whose_form_meets_an_outage_is_told_so(stack: Stack) -> None:
    user = stack.slack.add_user("dana")
    origin = stack.slack.add_channel("ops", members=[user])
    stack.slack.outage("views.open", "html-500")
    await stack.sender.slash_command("/incident", "declare Checkout errors", user, origin)
    [said] = await eventually(lambda: replies(stack, user))
    assert said.startswith(f":warning: {OUTAGE} right now (it answered HTTP 500 without Slack's")
    assert "https://slack-status.com" in said
    assert stack.aws().list_incident_records()["incidentRecordSummaries"] == []


async def test_no_answer_at_all_is_an_outage_too(stack: Stack) -> None:
    user = stack.slack.add_user("dana")
    origin = stack.slack.add_channel("ops", members=[user])
    stack.services.slack.timeout = 1  # Slack's client waits 30 s; the test cannot
    stack.slack.outage("views.open", "no-answer", times=2)  # the client retries once
    await stack.sender.slash_command("/incident", "declare Checkout errors", user, origin)
    [said] = await eventually(lambda: replies(stack, user), timeout=15)
    assert said.startswith(f":warning: {OUTAGE} right now (no answer in time: an outage")


async def test_a_response_url_that_meets_an_outage_is_answered_privately_instead(
    stack: Stack,
) -> None:
    user = stack.slack.add_user("dana")
    origin = stack.slack.add_channel("ops", members=[user])
    stack.slack.outage("response_url", "html-500")
    await stack.sender.slash_command("/incident", "list", user, origin)
    told = await eventually(lambda: stack.slack.ephemerals_for(user))
    assert told[0]["text"] == "No open incidents."


async def test_a_page_instead_of_slack_is_unavailable_and_a_refusal_is_a_refusal() -> None:
    """What Slack's client reads back: a 200 page (a proxy) is no answer from Slack; a 413
    without JSON is a refusal, by its status, not an outage."""
    url = "https://slack.com/api/chat.postMessage"

    async def answer(status: int, data: Any) -> dict[str, Any]:
        return {"status_code": status, "data": data, "headers": {}}

    with pytest.raises(SlackUnavailable, match="HTTP 200 without Slack's JSON"):
        await answered(url, answer(200, "<html>Sign in to the proxy</html>"))
    with pytest.raises(SlackApiError) as refused:
        await answered(url, answer(413, "Request Entity Too Large"))
    assert not isinstance(refused.value, SlackUnavailable)
    assert refused.value.response["error"] == "http_413"
    ok = await answered(url, answer(200, {"ok": False, "error": "channel_not_found"}))
    assert ok["data"]["error"] == "channel_not_found"  # Slack's own refusal: slack_sdk's to raise
