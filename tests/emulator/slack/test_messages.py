"""The local Slack answers messages, views and canvases as Slack does at and past its limits."""

from __future__ import annotations

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from emulator.slack import RunningFakeSlack
from emulator.slack.limits import MARKDOWN_TEXT, MESSAGE_TEXT, TRUNCATED_WARNING
from emulator.slack.workspace import BOT_USER


@pytest.fixture
def channel(slack: RunningFakeSlack) -> str:
    return slack.fake.add_channel("inc-limits", members=[BOT_USER])


async def refused(call: object) -> dict:
    with pytest.raises(SlackApiError) as caught:
        await call  # type: ignore[misc]
    return dict(caught.value.response.data)  # type: ignore[arg-type]


async def test_text_past_40000_characters_is_posted_cut_with_a_warning(
    slack: RunningFakeSlack, client: AsyncWebClient, channel: str
) -> None:
    long = "x" * MESSAGE_TEXT + "tail"
    posted = await client.chat_postMessage(channel=channel, text=long)
    assert posted["warning"] == "message_truncated"
    assert posted["response_metadata"] == {
        "warnings": ["message_truncated"],
        "messages": [TRUNCATED_WARNING],
    }
    assert slack.fake.messages(channel)[0]["text"] == "x" * MESSAGE_TEXT
    exact = await client.chat_postMessage(channel=channel, text="y" * MESSAGE_TEXT)
    assert "warning" not in exact.data

    user = slack.fake.add_user("dana")
    ephemeral = await client.chat_postEphemeral(channel=channel, user=user, text=long)
    assert ephemeral["response_metadata"]["warnings"] == ["message_truncated"]
    assert slack.fake.ephemerals_for(user)[0]["text"] == "x" * MESSAGE_TEXT


async def test_a_response_url_cuts_long_text_with_a_warning(
    slack: RunningFakeSlack, channel: str
) -> None:
    user = slack.fake.add_user("dana")
    url = slack.fake.response_url(channel, user)
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json={"text": "x" * (MESSAGE_TEXT + 1)}) as answer:
            assert answer.status == 200
            assert (await answer.json())["response_metadata"]["warnings"] == ["message_truncated"]
        async with http.post(url, json={"text": "short"}) as answer:
            assert (answer.status, await answer.text()) == (200, "ok")
    assert [e["text"] for e in slack.fake.ephemerals_for(user)] == ["x" * MESSAGE_TEXT, "short"]


async def test_an_update_past_40000_characters_is_refused(
    slack: RunningFakeSlack, client: AsyncWebClient, channel: str
) -> None:
    posted = await client.chat_postMessage(channel=channel, text="first")
    update = client.chat_update(channel=channel, ts=posted["ts"], text="x" * (MESSAGE_TEXT + 1))
    assert (await refused(update))["error"] == "msg_too_long"
    assert slack.fake.messages(channel)[0]["text"] == "first"


async def test_markdown_text_is_a_message_of_its_own(
    slack: RunningFakeSlack, client: AsyncWebClient, channel: str
) -> None:
    await client.chat_postMessage(channel=channel, markdown_text="**Resolved**")
    at_most = await client.chat_postMessage(channel=channel, markdown_text="x" * MARKDOWN_TEXT)
    assert at_most["ok"]
    assert slack.fake.messages(channel)[0]["markdown_text"] == "**Resolved**"
    other = slack.fake.add_channel("inc-refused", members=[BOT_USER])  # one post a second each
    both = client.chat_postMessage(channel=other, markdown_text="**x**", text="x")
    assert (await refused(both))["error"] == "markdown_text_conflict"
    blocks = [{"type": "divider"}]
    with_blocks = client.chat_postMessage(channel=other, markdown_text="**x**", blocks=blocks)
    assert (await refused(with_blocks))["error"] == "markdown_text_conflict"
    past = client.chat_postMessage(channel=other, markdown_text="x" * (MARKDOWN_TEXT + 1))
    assert (await refused(past))["error"] == "msg_too_long"
    assert slack.fake.messages(other) == []


async def test_bad_blocks_are_answered_as_slack_answers_them(
    slack: RunningFakeSlack, client: AsyncWebClient, channel: str
) -> None:
    blocks = [
        {"type": "divider"},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": "x" * 2001}]},
    ]
    answer = await refused(client.chat_postMessage(channel=channel, text="x", blocks=blocks))
    assert answer["error"] == "invalid_blocks"
    assert answer["response_metadata"]["messages"] == [
        "[ERROR] must be less than 2001 characters [json-pointer:/blocks/1/fields/0/text]"
    ]
    assert slack.fake.messages(channel) == []


async def test_a_bad_view_is_refused_with_invalid_arguments(
    slack: RunningFakeSlack, client: AsyncWebClient
) -> None:
    summary = {
        "type": "input",
        "label": {"type": "plain_text", "text": "Summary"},
        "element": {"type": "plain_text_input", "action_id": "summary", "max_length": 8000},
    }
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Declare incident"},
        "submit": {"type": "plain_text", "text": "Declare"},
        "blocks": [summary],
    }
    opening = client.views_open(trigger_id=slack.fake.issue_trigger(), view=view)
    answer = await refused(opening)
    assert answer["error"] == "invalid_arguments"
    assert answer["response_metadata"]["messages"] == [
        "[ERROR] must be less than 3001 [json-pointer:/view/blocks/0/element/max_length]"
    ]
    summary["element"]["max_length"] = 3000  # type: ignore[index]
    user = slack.fake.add_user("dana")
    published = await client.views_publish(user_id=user, view={**view, "type": "home"})
    assert slack.fake.home(user) == published["view"]


async def test_a_canvas_is_shared_with_channels_or_people_not_both(
    slack: RunningFakeSlack, client: AsyncWebClient, channel: str
) -> None:
    user = slack.fake.add_user("dana")
    canvas = (await client.canvases_create(title="Review"))["canvas_id"]
    both = client.canvases_access_set(
        canvas_id=canvas, access_level="read", channel_ids=[channel], user_ids=[user]
    )
    assert (await refused(both))["error"] == "invalid_parameters"
    neither = client.canvases_access_set(canvas_id=canvas, access_level="read")
    assert (await refused(neither))["error"] == "invalid_parameters"
    owner = client.canvases_access_set(
        canvas_id=canvas, access_level="owner", channel_ids=[channel]
    )
    assert (await refused(owner))["error"] == "invalid_arguments"
    assert slack.fake.canvases[canvas]["channels"] == []
    await client.canvases_access_set(canvas_id=canvas, access_level="read", user_ids=[user])


async def test_the_bot_cannot_invite_itself(
    slack: RunningFakeSlack, client: AsyncWebClient, channel: str
) -> None:
    assert (await refused(client.conversations_invite(channel=channel, users=BOT_USER)))[
        "error"
    ] == "cant_invite_self"
