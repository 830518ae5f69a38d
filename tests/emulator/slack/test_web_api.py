"""The fake Slack answers a real slack_sdk client the way Slack does."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from emulator.slack import RunningFakeSlack


async def slack_error(call: object) -> str:
    with pytest.raises(SlackApiError) as caught:
        await call  # type: ignore[misc]
    return caught.value.response["error"]


async def test_auth_and_unknown_token(slack: RunningFakeSlack, client: AsyncWebClient) -> None:
    assert (await client.auth_test())["user"] == "incident-bot"
    stranger = AsyncWebClient(token="xoxp-nope", base_url=slack.api_url)
    assert await slack_error(stranger.auth_test()) == "invalid_auth"


async def test_socket_mode_url_needs_the_app_level_token(
    slack: RunningFakeSlack, client: AsyncWebClient
) -> None:
    assert await slack_error(client.apps_connections_open(app_token="xoxb-test")) == "invalid_auth"
    opened = await client.apps_connections_open(app_token="xapp-1-A-1-x")
    assert opened["url"].startswith(f"{slack.url.replace('http', 'ws')}/socket-mode/")
    slack.fake.revoked_tokens.add("xapp-1-A-1-x")
    assert await slack_error(client.apps_connections_open(app_token="xapp-1-A-1-x")) == (
        "token_revoked"
    )


async def test_message_metadata_is_read_back_only_when_asked(
    slack: RunningFakeSlack, client: AsyncWebClient
) -> None:
    user = slack.fake.add_user("ann")
    metadata = {"event_type": "incident_bot_page", "event_payload": {"notice_id": "n1"}}
    await client.chat_postMessage(channel=user, text="paged", metadata=metadata)
    im = slack.fake.im(user).id
    [plain] = (await client.conversations_history(channel=im))["messages"]
    assert "metadata" not in plain
    [full] = (await client.conversations_history(channel=im, include_all_metadata=True))["messages"]
    assert full["metadata"] == metadata
    bad = client.chat_postMessage(channel=user, text="x", metadata={"event_type": "a b"})
    assert await slack_error(bad) == "invalid_metadata_format"


async def test_post_update_and_read_back(slack: RunningFakeSlack, client: AsyncWebClient) -> None:
    channel = (await client.conversations_create(name="inc-1"))["channel"]["id"]
    posted = await client.chat_postMessage(channel=channel, text="first")
    await client.chat_update(channel=channel, ts=posted["ts"], text="second")
    assert [m["text"] for m in slack.fake.messages(channel)] == ["second"]
    await client.pins_add(channel=channel, timestamp=posted["ts"])
    assert await slack_error(client.pins_add(channel=channel, timestamp=posted["ts"])) == (
        "already_pinned"
    )


async def test_block_kit_limits(slack: RunningFakeSlack, client: AsyncWebClient) -> None:
    channel = (await client.conversations_create(name="limits"))["channel"]["id"]
    divider = {"type": "divider"}
    assert (
        await slack_error(client.chat_postMessage(channel=channel, text="x", blocks=[divider] * 51))
        == "invalid_blocks"
    )
    header = {"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}
    assert (
        await slack_error(client.chat_postMessage(channel=channel, text="x", blocks=[header]))
        == "invalid_blocks"
    )
    with pytest.warns(UserWarning, match="text"):
        assert await slack_error(client.chat_postMessage(channel=channel)) == "no_text"
    assert slack.fake.messages(channel) == []


async def test_channel_name_rules(client: AsyncWebClient) -> None:
    assert await slack_error(client.conversations_create(name="Has Spaces")) == (
        "invalid_name_specials"
    )
    assert await slack_error(client.conversations_create(name="x" * 81)) == (
        "invalid_name_maxlength"
    )
    await client.conversations_create(name="taken")
    assert await slack_error(client.conversations_create(name="taken")) == "name_taken"


async def test_not_in_channel_and_dm_by_user_id(
    slack: RunningFakeSlack, client: AsyncWebClient
) -> None:
    user = slack.fake.add_user("dana", email="dana@example.com")
    channel = slack.fake.add_channel("general", members=[user])
    assert await slack_error(client.chat_postMessage(channel=channel, text="x")) == (
        "not_in_channel"
    )
    await client.chat_postMessage(channel=user, text="you are paged")
    assert [m["text"] for m in slack.fake.dms(user)] == ["you are paged"]
    found = await client.users_lookupByEmail(email="DANA@example.com")
    assert found["user"]["id"] == user
    assert await slack_error(client.users_lookupByEmail(email="x@y.z")) == "users_not_found"


async def test_views_need_a_fresh_trigger(slack: RunningFakeSlack, client: AsyncWebClient) -> None:
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Declare"},
        "blocks": [{"type": "divider"}],
    }
    assert await slack_error(client.views_open(trigger_id="made-up", view=view)) == (
        "expired_trigger_id"
    )
    opened = await client.views_open(trigger_id=slack.fake.issue_trigger(), view=view)
    assert slack.fake.views_opened()[0]["id"] == opened["view"]["id"]


async def test_replies_to_a_reply_come_as_the_thread_or_as_the_reply_alone(
    slack: RunningFakeSlack, client: AsyncWebClient
) -> None:
    fake = slack.fake
    person = fake.add_user("kim")
    channel = fake.add_channel("ops", members=[person])
    parent = fake.user_posts(channel, person, "parent")
    first = fake.user_posts(channel, person, "first", thread_ts=parent)
    second = fake.user_posts(channel, person, "second", thread_ts=parent)

    async def texts(**narrow: object) -> list[str]:
        answer = await client.conversations_replies(channel=channel, ts=second, **narrow)
        return [m["text"] for m in answer["messages"]]

    assert await texts() == ["parent", "first", "second"]  # as documented
    assert await texts(limit=1) == ["parent"]
    assert await texts(oldest=second, latest=second, inclusive=True) == ["parent", "second"]
    assert await texts(oldest=first, latest=second) == ["parent"]  # exclusive by default
    fake.replies_answer = "message"  # as has been seen
    assert await texts() == ["second"]
    missing = client.conversations_replies(channel=channel, ts="1.000001")
    assert await slack_error(missing) == "thread_not_found"


async def test_recorded_shapes_bots_and_tombstones(
    slack: RunningFakeSlack, client: AsyncWebClient
) -> None:
    fake = slack.fake
    bot = fake.add_bot("Deploy Bot")
    assert (await client.bots_info(bot=bot))["bot"]["name"] == "Deploy Bot"
    assert await slack_error(client.bots_info(bot="B0NOBODY")) == "bot_not_found"
    channel = fake.add_channel("ops", channel_id="C0OPS")
    shape = {"type": "message", "subtype": "bot_message", "bot_id": bot, "text": "done"}
    ts = fake.post_shape(channel, shape)
    fake.user_posts(channel, fake.add_user("kim"), "reply", thread_ts=ts)
    history = (await client.conversations_history(channel="C0OPS"))["messages"]
    assert history[-1] == {**shape, "ts": ts}
    tombstone = fake.tombstone(channel, ts)
    assert tombstone["subtype"] == "tombstone"
    assert tombstone["text"] == "This message was deleted."
    assert fake.message(channel, ts) == tombstone


async def test_an_archived_channel_takes_no_more_messages(
    slack: RunningFakeSlack, client: AsyncWebClient
) -> None:
    channel = slack.fake.add_channel("inc-old", members=["UBOT0INCIDENT"])
    await client.conversations_archive(channel=channel)
    assert (await client.conversations_info(channel=channel))["channel"]["is_archived"] is True
    assert await slack_error(client.conversations_archive(channel=channel)) == "already_archived"
    assert await slack_error(client.chat_postMessage(channel=channel, text="hi")) == "is_archived"


async def test_files_upload_v2_takes_its_three_steps(
    slack: RunningFakeSlack, client: AsyncWebClient
) -> None:
    channel = slack.fake.add_channel("inc-files", members=["UBOT0INCIDENT"])
    done = await client.files_upload_v2(
        channel=channel, content="# Notes\n", filename="notes.md", title="Notes"
    )
    file_id = done["file"]["id"]
    assert slack.fake.files[file_id]["content"] == b"# Notes\n"
    [shared] = slack.fake.messages(channel)
    assert shared["files"][0]["title"] == "Notes"
    methods = [call.method for call in slack.fake.calls]
    assert methods == ["files.getUploadURLExternal", "upload", "files.completeUploadExternal"]


async def test_a_canvas_is_made_from_markdown_and_shared(
    slack: RunningFakeSlack, client: AsyncWebClient
) -> None:
    channel = slack.fake.add_channel("inc-canvas", members=["UBOT0INCIDENT"])
    made = await client.canvases_create(
        title="Review", document_content={"type": "markdown", "markdown": "# Review"}
    )
    await client.canvases_access_set(
        canvas_id=made["canvas_id"], access_level="read", channel_ids=[channel]
    )
    canvas = slack.fake.canvases[made["canvas_id"]]
    assert (canvas["title"], canvas["markdown"], canvas["channels"]) == (
        "Review",
        "# Review",
        [channel],
    )
    missing = client.canvases_access_set(canvas_id="F404", access_level="read")
    assert await slack_error(missing) == "canvas_not_found"


async def test_an_outage_answers_a_page_not_json_or_nothing(slack: RunningFakeSlack) -> None:
    """What slack_sdk makes of an outage, bare (the bot's client turns each into
    SlackUnavailable): an error with no code, one whose ``.get("error")`` fails (the
    declarer was once told ``AttributeError: 'str' object has no attribute 'get'``), a
    timeout."""
    bare = AsyncWebClient(token="xoxb-test", base_url=slack.api_url, timeout=1)
    slack.fake.outage("auth.test", "html-500")
    assert (await slack_error(bare.auth_test())) is None  # an HTML page: no error code at all
    slack.fake.outage("auth.test", "text-500")
    with pytest.raises(SlackApiError) as caught:
        await bare.auth_test()
    with pytest.raises(AttributeError, match="'str' object has no attribute 'get'"):
        caught.value.response.get("error")
    slack.fake.outage("auth.test", "no-answer")
    with pytest.raises(TimeoutError):
        await bare.auth_test()
    assert [c.response for c in slack.fake.calls_to("auth.test")] == [
        {"ok": False, "outage": kind} for kind in ("html-500", "text-500", "no-answer")
    ]
    assert (await bare.auth_test())["ok"]  # over
