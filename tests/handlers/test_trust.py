"""Trust: text a person wrote never becomes live markup; bad input and a broken database are
answered plainly (issue 8, sections 1 and 6)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest

from bot.check import run_checks
from bot.config import load_settings
from bot.logs import QUIET, redact
from bot.store.database import Database
from emulator.slack import RunningFakeSlack
from emulator.slack.sender import sign
from emulator.testing import RunningEmulator
from tests.support import (
    BOT_TOKEN,
    DECLARE_MODAL,
    PLAN_ARN,
    SIGNING_SECRET,
    Declared,
    Stack,
    _card_row,
    declare_form,
    declare_values,
    eventually,
    replies,
)

ANNOUNCE = "CANNOUNCE0"
# Each piece is live markup in Slack's mrkdwn; what the bot sends must never contain one.
LIVE = ("<!channel>", "<!here>", "<!everyone>", "<@U123>", "<!subteam^S1>", "<https://evil")
TITLE = (
    "<!channel> DB down <https://evil.example|Click to acknowledge> <@U123> <!subteam^S1> "
    '\u202eRTL\u200b "}]},{"type":"section"'
)
SUMMARY = ("<!here> <https://evil.example|Click to acknowledge> & '\"}]} \u2067 " * 200)[:7990]
NOTE = ("<!everyone> <https://evil.example|Click> <@U123> \u200f" * 300)[:10_000]


@pytest.fixture
def bot_settings() -> dict[str, Any]:
    return {
        "default_response_plan": "critical-service",
        "announce_channel": ANNOUNCE,
        "time_scale": 0.05,
    }


def shown_texts(value: Any) -> Iterator[str]:
    """Every string Slack reads as mrkdwn in a call's arguments (plain_text and the values
    prefilled in inputs are shown as typed, so they are skipped)."""
    if isinstance(value, dict):
        if value.get("type") == "plain_text":
            return
        for key, inner in value.items():
            if key == "text" and isinstance(inner, str):
                yield inner
            elif key != "initial_value":
                yield from shown_texts(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from shown_texts(inner)


def live_markup(stack: Stack) -> list[str]:
    """Each piece of live markup in what the bot sent Slack, with the method that carried it."""
    return [
        f"{call.method}: {piece}"
        for call in stack.slack.calls
        for text in shown_texts(call.args)
        for piece in LIVE
        if piece in text
    ]


def sent(stack: Stack, method: str, channel: str | None = None) -> list[str]:
    """The mrkdwn texts of every ``method`` call (to ``channel``, if given)."""
    return [
        text
        for call in stack.slack.calls
        if call.method == method and channel in (None, call.args.get("channel"))
        for text in shown_texts(call.args)
    ]


@pytest.fixture(autouse=True)
def announce_channel(bot_settings: dict[str, Any], request: pytest.FixtureRequest) -> None:
    """The channel new incidents are announced in, with the bot in it."""
    if "stack" in request.fixturenames:
        fake = request.getfixturevalue("stack").slack
        made = fake.channels.pop(fake.add_channel("incidents", members=["UBOT0INCIDENT"]))
        made.id = ANNOUNCE
        fake.channels[ANNOUNCE] = made


async def declare(stack: Stack, user: str, origin: str, title: str, summary: str) -> Declared:
    view = await declare_form(stack, user, origin)
    values = declare_values(title, 2, PLAN_ARN, summary=summary)
    await stack.sender.view_submission(user, view["id"], values)
    row = await eventually(lambda: _card_row(stack, title))
    await eventually(lambda: stack.slack.messages(ANNOUNCE))
    return Declared(user, row[0], row[1], row[2])


async def command(stack: Stack, declared: Declared, text: str) -> None:
    await stack.sender.slash_command("/incident", text, declared.user, declared.channel)


async def test_hostile_text_is_never_live_markup_on_any_surface(stack: Stack) -> None:
    alice = stack.slack.add_user("alice", email="alice@example.com")
    dana = stack.slack.add_user("dana", email="dana@example.com")
    origin = stack.slack.add_channel("ops", members=[dana])
    stack.aws("ssm-contacts").create_contact(
        Alias="eve",
        DisplayName="<!channel> Eve <https://evil.example|x>",
        Type="PERSONAL",
        Plan={"Stages": []},
    )
    declared = await declare(stack, dana, origin, TITLE, SUMMARY)
    escaped_title = TITLE.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert escaped_title.startswith("&lt;!channel&gt; DB down &lt;https://evil.example|Click")

    await command(stack, declared, f"note {NOTE}")
    await command(stack, declared, "link https://runbooks.example.com/db <!here> Click me")
    await command(stack, declared, "page alice")
    alice_dms = await eventually(lambda: sent(stack, "chat.postMessage", alice))
    await command(stack, declared, "timeline 5")
    await command(stack, declared, "links")
    await command(stack, declared, "list")
    await command(stack, declared, "whois eve")
    await command(stack, declared, "<!channel>")  # an unknown subcommand is echoed
    await command(stack, declared, "status <!here>")  # so is an unknown incident id
    await stack.sender.home_opened(alice)
    await eventually(lambda: len(replies(stack, dana)) >= 10)
    home = await eventually(lambda: sent(stack, "views.publish"))
    [page] = [m for m in stack.slack.dms(alice) if m.get("blocks")]
    await stack.sender.press(alice, page, "page_acknowledge")
    await eventually(lambda: "Acknowledged by" in str(stack.slack.dms(alice)))
    await command(stack, declared, f"title {TITLE} again")
    await eventually(lambda: any("again" in r for r in replies(stack, dana)))

    assert live_markup(stack) == []
    card = sent(stack, "chat.update", declared.channel) + sent(
        stack, "chat.postMessage", declared.channel
    )
    assert any("*Summary*\n&lt;!here&gt; &lt;https://evil.example|Click" in t for t in card)
    assert any(f"Incident: {escaped_title}" in t for t in card)  # the card's notification text
    [announcement] = sent(stack, "chat.postMessage", ANNOUNCE)
    assert escaped_title in announcement and f"<@{dana}> declared" in announcement
    assert any(f"Declared *{escaped_title}" in t for t in sent(stack, "chat.postEphemeral"))
    answers = "\n".join(replies(stack, dana))
    assert ":memo: Added to the timeline: @everyone Click (https://evil.example)" in answers
    assert "https://runbooks.example.com/db — &lt;!here&gt; Click me" in answers  # links
    # the note's markup was made readable for Incident Manager (issue 14), and shows as such
    assert "_Custom Event_ — Dana: @everyone Click (https://evil.example)" in answers
    assert f"• *{escaped_title}* — open" in answers  # list
    assert "`eve` (&lt;!channel&gt; Eve &lt;https://evil.example|x&gt;, personal)" in answers
    # typed after a command, the title is made readable for Incident Manager (issue 14) too
    assert "Title is now *@channel DB down Click to acknowledge (https://evil.example) @U123 " in (
        answers
    )
    assert "`/incident &lt;!channel&gt;` is not a command I know" in answers
    assert "No incident has the id `&lt;!here&gt;`" in answers
    assert any(f"You are paged for {escaped_title}" in t for t in alice_dms)  # notification
    assert any(f"*{escaped_title}*\nImpact 2 High" in t for t in alice_dms)  # the page's blocks
    assert any(f":rotating_light: *{escaped_title}*" in t for t in home)
    acknowledged = sent(stack, "chat.update", stack.slack.im(alice).id)
    assert any(f":white_check_mark: *{escaped_title}*" in t for t in acknowledged)
    assert any("<https://console.aws.amazon.com" in t for t in card)  # the bot's links stay


async def test_declaring_from_a_message_that_pings_channel_pings_nobody(stack: Stack) -> None:
    dana = stack.slack.add_user("dana")
    ops = stack.slack.add_channel("ops", members=[dana])
    ts = stack.slack.user_posts(ops, dana, "<!channel> checkout is down")
    await stack.sender.message_shortcut("declare_incident", dana, ops, ts)
    view = (await eventually(lambda: stack.slack.modals(DECLARE_MODAL)))[-1]
    blocks = {block["block_id"]: block for block in view["blocks"]}
    title = blocks["title_block"]["element"]["initial_value"]
    summary = blocks["summary_block"]["element"]["initial_value"]

    await stack.sender.view_submission(
        dana, view["id"], declare_values(title, 2, PLAN_ARN, summary=summary)
    )

    [announcement] = await eventually(lambda: sent(stack, "chat.postMessage", ANNOUNCE))
    assert "checkout is down" in announcement
    assert live_markup(stack) == []


@pytest.mark.parametrize(
    "reference",
    [
        "<https://evil.example|Click to acknowledge>",
        "https://evil.example|Click",
        "https://evil.example>x",
    ],
)
async def test_a_link_that_would_show_a_label_is_refused(stack: Stack, reference: str) -> None:
    dana = stack.slack.add_user("dana")
    origin = stack.slack.add_channel("ops", members=[dana])
    declared = await declare(stack, dana, origin, "DB down", "")

    await command(stack, declared, f"link {reference}")

    said = await eventually(lambda: [r for r in replies(stack, dana) if "cannot contain" in r])
    assert "`|`, `<` or `>`" in said[0]
    items = stack.aws().list_related_items(incidentRecordArn=declared.arn)["relatedItems"]
    assert [item["title"] for item in items] == [f"Slack channel #{_name(stack, declared)}"]


def _name(stack: Stack, declared: Declared) -> str:
    return stack.slack.channel(declared.channel).name


INVISIBLE = [" \t ", "\u200b\u200b", "\u200f\u202e \u2066", "\ufeff\u3164\u2800"]


@pytest.mark.parametrize("title", INVISIBLE)
async def test_an_invisible_title_is_refused_like_an_empty_one(stack: Stack, title: str) -> None:
    dana = stack.slack.add_user("dana")
    origin = stack.slack.add_channel("ops", members=[dana])
    view = await declare_form(stack, dana, origin)
    answer = await stack.sender.view_submission(
        dana, view["id"], declare_values(title, 2, PLAN_ARN)
    )
    assert answer.json()["errors"]["title_block"].startswith("The title is empty")
    assert stack.aws().list_incident_records()["incidentRecordSummaries"] == []

    declared = await declare(stack, dana, origin, "DB down", "")
    await command(stack, declared, f"title {title}x".removesuffix("x"))
    said = await eventually(lambda: [r for r in replies(stack, dana) if "title is empty" in r])
    assert said[0].startswith(":warning:")
    record = stack.aws().get_incident_record(arn=declared.arn)["incidentRecord"]
    assert record["title"] == "DB down"


# -- §6: health and bad input ------------------------------------------------------------------


def read_only_url(path: Path) -> str:
    """The same SQLite file opened read-only, as a read-only mount or file gives it."""
    return f"sqlite:///file:{path}?mode=ro&uri=true"


async def test_healthz_fails_when_the_database_cannot_be_written(
    stack: Stack, tmp_path: Path
) -> None:
    healthy = stack.services.database
    stack.services.database = Database(read_only_url(tmp_path / "bot.db"))
    try:
        async with aiohttp.ClientSession() as http, http.get(f"{stack.url}/healthz") as response:
            assert response.status == 503
            assert await response.json() == {"ok": False, "database": "not writable"}
    finally:
        await stack.services.database.close()
        stack.services.database = healthy
    async with aiohttp.ClientSession() as http, http.get(f"{stack.url}/healthz") as response:
        assert response.status == 200


async def test_check_reports_a_database_that_cannot_be_written(
    emulator: RunningEmulator,
    slack: RunningFakeSlack,
    aws_env: Callable[[str], None],
    tmp_path: Path,
) -> None:
    aws_env(emulator.url)
    settings = load_settings(
        _env_file=None,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret="s",
        slack_api_url=slack.api_url,
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
    )
    database = Database(settings.database_url)  # as `run` leaves it: `check` creates nothing
    await database.migrate()
    await database.close()
    lines = [outcome.line() for outcome in await run_checks(settings)]
    assert "OK   database: reachable and writable, schema up to date" in lines

    settings.database_url = read_only_url(tmp_path / "bot.db")
    lines = [outcome.line() for outcome in await run_checks(settings)]
    assert any(
        line.startswith("FAIL database: ") and "readonly database" in line for line in lines
    ), lines


def _signed(body: str, content_type: str, timestamp: str | None = None) -> dict[str, str]:
    timestamp = timestamp or str(int(time.time()))
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": sign(SIGNING_SECRET, timestamp, body),
    }


JSON, FORM = "application/json", "application/x-www-form-urlencoded"
MALFORMED = {
    "a timestamp that is not a number": (JSON, '{"type": "event_callback"}', "12ab"),
    "a body that is not JSON": (JSON, '{"type": "event_', None),
    "a JSON list": (JSON, "[1, 2]", None),
    "an event that is not an object": (JSON, '{"type": "event_callback", "event": "x"}', None),
    "a payload that is not JSON": (FORM, urlencode({"payload": "{not json"}), None),
    "a payload that is a list": (FORM, urlencode({"payload": "[1]"}), None),
    "a payload that is a string": (FORM, urlencode({"payload": '"x"'}), None),
    "a view submission with no user": (
        FORM,
        urlencode({"payload": '{"type": "view_submission", "view": {"callback_id": "x"}}'}),
        None,
    ),
    "actions that are not objects": (
        FORM,
        urlencode({"payload": '{"type": "block_actions", "user": {"id": "U1"}, "actions": [1]}'}),
        None,
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED))
async def test_a_malformed_request_gets_a_400_and_reaches_nothing(stack: Stack, case: str) -> None:
    content_type, body, timestamp = MALFORMED[case]
    stack.slack.clear()
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{stack.url}/slack/events",
            data=body.encode(),
            headers=_signed(body, content_type, timestamp),
        ) as response,
    ):
        assert response.status == 400, case
        assert "malformed request" in (await response.json())["error"]
    assert stack.slack.calls == []


async def test_a_listener_failing_right_after_its_ack_still_answers_200(stack: Stack) -> None:
    """The update form's submission acks, then finds no incident in what its form was kept
    with (a form the bot kept wrongly: a bug, not a person's mistake)."""
    dana = stack.slack.add_user("dana")
    stack.slack.add_channel("ops", members=[dana])
    inputs = [
        {"type": "input", "block_id": block, "element": {"type": kind, "action_id": action}}
        for block, action, kind in (
            ("title_block", "title", "plain_text_input"),
            ("impact_block", "impact", "static_select"),
            ("summary_block", "summary", "plain_text_input"),
        )
    ]
    inputs[1]["element"]["options"] = [{"value": "2"}]
    broken = {"callback_id": "update_incident_modal", "submit": "Save", "blocks": inputs}
    token = (await stack.services.forms.keep("V0BROKEN", dana, broken))["private_metadata"]
    values = declare_values("Fine", 2, PLAN_ARN)
    payload = {
        "type": "view_submission",
        "user": {"id": dana, "name": "dana", "team_id": "T0FAKE"},
        "team": {"id": "T0FAKE"},
        "api_app_id": "AINCIDENT",
        "view": {
            "id": "V0BROKEN",
            "type": "modal",
            "callback_id": "update_incident_modal",
            "private_metadata": token,
            "state": {"values": {k: values[k] for k in ("title_block", "impact_block")}},
            "hash": "h",
        },
    }
    started = time.monotonic()
    answer = await stack.sender.interaction(payload)
    assert answer.status == 200
    assert time.monotonic() - started < 2.5
    told = await eventually(
        lambda: [m for m in stack.slack.dms(dana) if "Something went wrong" in m["text"]]
    )
    assert "(ref " in told[0]["text"]
    # it cannot know what was done before the failure, so it does not claim nothing was
    assert "Some steps may have completed: check `/incident status`" in told[0]["text"]
    assert "Nothing more" not in told[0]["text"]


async def test_the_error_handler_survives_a_dead_response_url(
    stack: Stack, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A write to a read-only database fails; answering through response_url fails too; the
    person is still told, and the response_url never reaches the log."""
    dana = stack.slack.add_user("dana", email="dana@example.com")
    ops = stack.slack.add_channel("ops", members=[dana])
    healthy = stack.services.database
    read_only = Database(read_only_url(tmp_path / "bot.db"))
    people = stack.services.people
    stack.services.database = people.database = people.codes.database = read_only
    dead_url = "https://hooks.slack.com/commands/T1/1/dead"
    form = {
        "team_id": "T0FAKE",
        "channel_id": ops,
        "user_id": dana,
        "command": "/incident",
        "text": "link-me alice",
        "response_url": "http://127.0.0.1:9/dead",
        "trigger_id": stack.slack.issue_trigger(),
    }
    body = urlencode(form)
    caplog.set_level(logging.INFO)
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.post(f"{stack.url}/slack/events", data=body, headers=_signed(body, FORM)) as r,
        ):
            assert r.status == 200
        told = await eventually(
            lambda: [e for e in stack.slack.ephemerals_for(dana) if "went wrong" in e["text"]]
        )
    finally:
        await stack.services.database.close()
        stack.services.database = people.database = people.codes.database = healthy
    assert "(ref " in told[0]["text"]
    assert "could not answer through response_url" in caplog.text
    said_at_info = [
        record.name
        for record in caplog.records
        if "127.0.0.1:9/dead" in redact(record.getMessage()) and not record.name.startswith(QUIET)
    ]
    assert said_at_info == []
    assert redact(f"payload {{'response_url': '{dead_url}'}}") == "payload {'[redacted]'}"
    assert dead_url not in redact(f"POST {dead_url} failed")


async def test_a_timeline_reaction_whose_write_fails_tells_its_author(
    stack: Stack, tmp_path: Path
) -> None:
    dana = stack.slack.add_user("dana")
    origin = stack.slack.add_channel("ops", members=[dana])
    declared = await declare(stack, dana, origin, "DB down", "")
    ts = stack.slack.user_posts(declared.channel, dana, "restarted the primary")
    healthy = stack.services.database
    read_only = Database(read_only_url(tmp_path / "bot.db"))
    stack.services.timeline.database = read_only
    try:
        answer = await stack.sender.reaction_added(dana, declared.channel, ts, "pushpin")
        assert answer.status == 200
        told = await eventually(
            lambda: [e for e in stack.slack.ephemerals_for(dana) if "went wrong" in e["text"]]
        )
    finally:
        await read_only.close()
        stack.services.timeline.database = healthy
    assert told[0]["channel"] == declared.channel
    events = stack.aws().list_timeline_events(incidentRecordArn=declared.arn)["eventSummaries"]
    assert not any("restarted the primary" in str(e) for e in events)
