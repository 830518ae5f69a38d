"""A responder's routine (issue 11): roles, status updates and their reminders, the export for
the post-incident analysis and archiving the channel."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from emulator.slack.workspace import BOT_USER
from tests.escalation.common import page_dms
from tests.support import Declared, Stack, declare_incident, eventually, new_modal, replies

ANNOUNCE = "CANNOUNCE1"
UPDATE_FORM = "status_update_modal"
ADMINS = "SADMINS01"


@pytest.fixture
def bot_settings() -> dict[str, Any]:
    return {
        "default_response_plan": "critical-service",
        "time_scale": 0.05,
        "announce_channel": ANNOUNCE,
        "admin_group": ADMINS,
    }


@pytest.fixture(autouse=True)
def announcements(request: pytest.FixtureRequest) -> None:
    """The announcement channel, with the bot in it."""
    if "stack" in request.fixturenames:
        stack = request.getfixturevalue("stack")
        stack.slack.add_channel("incidents", members=[BOT_USER], channel_id=ANNOUNCE)


def timeline_texts(stack: Stack, arn: str) -> list[str]:
    return [
        json.loads(e["eventData"])
        for e in stack.emulator.incidents.events[arn].values()
        if e["eventType"] == "Custom Event"
    ]


def said(stack: Stack, channel: str, words: str) -> list[dict[str, Any]]:
    """The channel's messages whose text or blocks say ``words``."""
    return [
        m
        for m in stack.slack.messages(channel)
        if words in m.get("text", "") + json.dumps(m.get("blocks", []))
    ]


def button_values(message: dict[str, Any]) -> dict[str, str]:
    return {
        element["action_id"]: element.get("value", "")
        for block in message.get("blocks", [])
        if block["type"] == "actions"
        for element in block["elements"]
    }


async def command(stack: Stack, declared: Declared, text: str, user: str | None = None) -> None:
    await stack.sender.slash_command("/incident", text, user or declared.user, declared.channel)


def update_values(status: str, impact: int, what: str, minutes: str | None) -> dict[str, Any]:
    return {
        "status_block": {"status": {"type": "static_select", "selected_option": {"value": status}}},
        "impact_block": {
            "impact": {"type": "static_select", "selected_option": {"value": str(impact)}}
        },
        "what_block": {"what_is_happening": {"type": "plain_text_input", "value": what}},
        "next_update_block": {"next_update_minutes": {"type": "number_input", "value": minutes}},
    }


async def post_update(
    stack: Stack, declared: Declared, status: str, impact: int, what: str, minutes: str | None
) -> dict[str, Any]:
    """Open the form with ``/incident post-update`` and submit it; the form as it opened."""
    view = await new_modal(
        stack.slack, UPDATE_FORM, lambda: command(stack, declared, "post-update")
    )
    await stack.sender.view_submission(
        declared.user, view["id"], update_values(status, impact, what, minutes)
    )
    return view


def record(stack: Stack, arn: str) -> dict[str, Any]:
    return stack.aws().get_incident_record(arn=arn)["incidentRecord"]


async def test_a_role_shows_on_the_card_goes_on_the_timeline_and_is_told_by_dm(
    stack: Stack,
) -> None:
    declared = await declare_incident(stack)
    erin = stack.slack.add_user("erin")
    await command(stack, declared, f"role commander <@{erin}|erin>")

    card = await eventually(
        lambda: (
            (m := stack.slack.message(declared.channel, declared.card_ts))
            and f"commander <@{erin}>" in json.dumps(m["blocks"])
            and m
        )
    )
    assert "Roles" in json.dumps(card["blocks"])
    assert button_values(card)["incident_post_update"] == declared.arn
    await eventually(
        lambda: any(
            "Role commander given to Erin" in t and declared.user in t
            for t in timeline_texts(stack, declared.arn)
        )
    )
    [dm] = await eventually(lambda: stack.slack.dms(erin))
    assert "made you the *commander*" in dm["text"] and f"<#{declared.channel}>" in dm["text"]
    await eventually(lambda: said(stack, declared.channel, f"made <@{erin}> the *commander*"))

    await command(stack, declared, "role")
    await eventually(
        lambda: any(f"commander <@{erin}>" in r for r in replies(stack, declared.user))
    )


async def test_a_wrong_role_or_no_person_is_refused_and_changes_nothing(stack: Stack) -> None:
    declared = await declare_incident(stack)
    await command(stack, declared, f"role captain <@{declared.user}>")
    await eventually(
        lambda: any("`captain` is not a role" in r for r in replies(stack, declared.user))
    )
    await command(stack, declared, "role commander someone")
    await eventually(lambda: any("with a mention" in r for r in replies(stack, declared.user)))
    await command(stack, declared, "page commander")
    await eventually(
        lambda: any("Nobody holds the commander role" in r for r in replies(stack, declared.user))
    )
    card = stack.slack.message(declared.channel, declared.card_ts)
    assert "Roles" not in json.dumps(card["blocks"])
    assert not any("Role " in t for t in timeline_texts(stack, declared.arn))


async def test_the_role_holder_is_paged_by_role(stack: Stack) -> None:
    declared = await declare_incident(stack)
    alice = stack.slack.add_user("alice")
    stack.slack.usergroups[ADMINS] = [declared.user]
    await command(stack, declared, f"link <@{alice}> alice")  # alice answers for the contact
    await eventually(lambda: any("alice" in r for r in replies(stack, declared.user)[1:]))
    await command(stack, declared, f"role commander <@{alice}>")
    await eventually(lambda: said(stack, declared.channel, "the *commander*"))

    await command(stack, declared, "page commander")
    await eventually(lambda: page_dms(stack, alice))
    await eventually(lambda: any("Paging `alice`" in r for r in replies(stack, declared.user)))


async def test_a_status_update_goes_to_timeline_channel_and_announcement_for_impact_1_2(
    stack: Stack,
) -> None:
    declared = await declare_incident(stack, impact=3)
    view = await post_update(stack, declared, "OPEN", 2, "Rolled back deploy 1234", "20")
    fields = {b["block_id"]: b["element"] for b in view["blocks"]}
    assert fields["impact_block"]["initial_option"]["value"] == "3"
    assert fields["next_update_block"]["initial_value"] == "60"  # impact 3's interval

    await eventually(lambda: record(stack, declared.arn)["impact"] == 2)
    [posted] = await eventually(lambda: said(stack, declared.channel, "Rolled back deploy 1234"))
    assert "*Status update*" in json.dumps(posted["blocks"])
    assert "Next update in 20 minutes" in json.dumps(posted["blocks"])
    await eventually(lambda: said(stack, ANNOUNCE, "Rolled back deploy 1234"))
    await eventually(
        lambda: any(
            "Status update by Dana" in t and "Rolled back deploy 1234" in t
            for t in timeline_texts(stack, declared.arn)
        )
    )
    assert "2 High" in json.dumps(stack.slack.message(declared.channel, declared.card_ts))

    await post_update(stack, declared, "OPEN", 3, "Error rate back to normal", None)
    await eventually(lambda: said(stack, declared.channel, "Error rate back to normal"))
    await eventually(lambda: record(stack, declared.arn)["impact"] == 3)
    await asyncio.sleep(0.3)
    assert not said(stack, ANNOUNCE, "Error rate back to normal")  # impact 3: channel only


async def test_an_empty_update_is_refused_inline(stack: Stack) -> None:
    declared = await declare_incident(stack)
    view = await new_modal(
        stack.slack, UPDATE_FORM, lambda: command(stack, declared, "post-update")
    )
    answer = await stack.sender.view_submission(
        declared.user, view["id"], update_values("OPEN", 2, "  ", "0")
    )
    errors = answer.json()["errors"]
    assert set(errors) == {"what_block", "next_update_block"}
    assert not said(stack, declared.channel, "Status update")


async def test_the_channel_is_reminded_once_per_interval_while_open(
    stack: Stack,
) -> None:
    interval = 0.03  # minutes: 1.8 s for every impact
    stack.services.settings.update_reminder_minutes = [interval] * 5
    declared = await declare_incident(stack)
    reminders = lambda: said(stack, declared.channel, "No status update")  # noqa: E731

    first, second = (await eventually(lambda: reminders()[1:2] and reminders(), 15))[:2]
    assert float(second["ts"]) - float(first["ts"]) >= interval * 60 * 0.95
    assert "incident_post_update" in button_values(first)
    view = await new_modal(
        stack.slack,
        UPDATE_FORM,
        lambda: stack.sender.press(declared.user, first, "incident_post_update", declared.channel),
    )
    assert view["callback_id"] == UPDATE_FORM

    await command(stack, declared, "resolve")
    await eventually(lambda: record(stack, declared.arn)["status"] == "RESOLVED")
    await asyncio.sleep(0.2)
    count = len(reminders())
    await asyncio.sleep(interval * 60 * 2)
    assert len(reminders()) == count

    await command(stack, declared, "reopen")
    await eventually(lambda: len(reminders()) > count, 15)  # reopened: reminded again


async def test_export_as_a_canvas_with_record_roles_and_timeline_permalinks(
    stack: Stack,
) -> None:
    declared = await declare_incident(stack)
    await command(stack, declared, f"role communications <@{declared.user}>")
    ts = stack.slack.user_posts(declared.channel, declared.user, "Deploy 1234 rolled back")
    await stack.sender.reaction_added(declared.user, declared.channel, ts, "pushpin")
    await eventually(lambda: any("Deploy 1234" in t for t in timeline_texts(stack, declared.arn)))
    await eventually(lambda: stack.slack.message(declared.channel, declared.card_ts).get("edited"))

    await command(stack, declared, "export")
    await eventually(lambda: said(stack, declared.channel, "Post-incident export"))
    [canvas] = stack.slack.canvases.values()
    markdown = canvas["markdown"]
    assert "# Checkout errors" in markdown
    assert "**Impact:** 2 High" in markdown and declared.arn.rsplit("/", 1)[-1] in markdown
    assert "**communications:** Dana" in markdown
    assert "Declared in Slack" in markdown
    permalink = stack.slack.permalink(declared.channel, ts)
    assert any("Deploy 1234" in line and permalink in line for line in markdown.splitlines())
    assert declared.channel in canvas["channels"]
    await eventually(lambda: any("as a canvas" in r for r in replies(stack, declared.user)))


async def test_export_as_a_markdown_file_where_canvases_are_refused(stack: Stack) -> None:
    declared = await declare_incident(stack)
    stack.slack.refuse("canvases.create", "not_allowed")
    await command(stack, declared, "export")

    [shared] = await eventually(
        lambda: [m for m in stack.slack.messages(declared.channel) if m.get("files")]
    )
    [file] = shared["files"]
    content = stack.slack.files[file["id"]]["content"].decode()
    assert file["name"].endswith(".md")
    assert "# Checkout errors" in content and "## Timeline" in content
    assert not stack.slack.canvases
    await eventually(lambda: any("Markdown file" in r for r in replies(stack, declared.user)))


async def test_resolving_offers_the_export_and_archive_archives_the_channel(
    stack: Stack,
) -> None:
    declared = await declare_incident(stack)
    await command(stack, declared, "resolve")
    [offer] = await eventually(lambda: said(stack, declared.channel, "Archive channel"))
    assert {"incident_export", "incident_archive_channel"} <= set(button_values(offer))

    await stack.sender.press(declared.user, offer, "incident_export", declared.channel)
    await eventually(lambda: stack.slack.canvases)

    await stack.sender.press(declared.user, offer, "incident_archive_channel", declared.channel)
    await eventually(lambda: stack.slack.channel(declared.channel).is_archived)
    await eventually(
        lambda: any("Channel archived by Dana" in t for t in timeline_texts(stack, declared.arn))
    )
    await eventually(lambda: any("Archived <#" in r for r in replies(stack, declared.user)))

    await stack.sender.press(declared.user, offer, "incident_archive_channel", declared.channel)
    await eventually(lambda: any("is already archived" in r for r in replies(stack, declared.user)))
    assert sum("Channel archived" in t for t in timeline_texts(stack, declared.arn)) == 1


async def test_two_export_presses_at_once_make_one_canvas(stack: Stack) -> None:
    declared = await declare_incident(stack)
    await command(stack, declared, "resolve")
    [offer] = await eventually(lambda: said(stack, declared.channel, "Archive channel"))

    await asyncio.gather(
        *(
            stack.sender.press(declared.user, offer, "incident_export", declared.channel)
            for _ in range(2)
        )
    )
    await eventually(lambda: any("as a canvas" in r for r in replies(stack, declared.user)))
    assert len(stack.slack.canvases) == 1
    assert len(said(stack, declared.channel, "Post-incident export")) == 1
    assert any(
        "An export of this incident is being made; it will appear in the channel." in r
        for r in replies(stack, declared.user)
    )

    await command(stack, declared, "export")  # once made, it may be made again
    await eventually(lambda: len(stack.slack.canvases) == 2)


async def test_an_outsider_is_refused_and_nothing_changes(stack: Stack) -> None:
    declared = await declare_incident(stack)
    mallory = stack.slack.add_user("mallory")
    outside = stack.slack.add_channel("elsewhere", members=[mallory])
    await stack.sender.slash_command(
        "/incident", f"role commander <@{mallory}> ", mallory, declared.channel
    )
    await stack.sender.slash_command("/incident", f"export {declared.arn}", mallory, outside)
    await stack.sender.block_action(
        mallory,
        "incident_archive_channel",
        declared.arn,
        channel_id=declared.channel,
        message_ts=declared.card_ts,
    )
    await stack.sender.block_action(
        mallory,
        "incident_post_update",
        declared.arn,
        channel_id=declared.channel,
        message_ts=declared.card_ts,
    )
    refused = [
        "may run `/incident role`",
        "may run `/incident export`",
        "may archive the channel on this incident",
        "may post updates on this incident",
    ]
    await eventually(
        lambda: all(any(words in r for r in replies(stack, mallory)) for words in refused)
    )
    assert not stack.slack.channel(declared.channel).is_archived
    assert not stack.slack.canvases and not stack.slack.files
    assert not stack.slack.modals(UPDATE_FORM)
    assert "Roles" not in json.dumps(stack.slack.message(declared.channel, declared.card_ts))


async def test_a_role_goes_only_to_a_person_in_the_workspace(stack: Stack) -> None:
    declared = await declare_incident(stack)
    bot = stack.slack.add_user("deploybot", is_bot=True)
    gone = stack.slack.add_user("gone")
    stack.slack.users[gone]["deleted"] = True
    for who in ("U0NOBODY1", f"<@{bot}>", f"<@{gone}|gone>"):
        await command(stack, declared, f"role commander {who}")

    def warned() -> list[str]:
        return [r for r in replies(stack, declared.user) if r.startswith(":warning:")]

    await eventually(lambda: len(warned()) == 3)
    assert set(warned()) == {
        ":warning: `U0NOBODY1` is nobody in this workspace: mention the person (`@name`) to give "
        "them the role.",
        f":warning: <@{bot}> is a bot: a role goes to a person.",
        f":warning: <@{gone}> is deactivated in Slack: give the role to someone else.",
    }
    card = stack.slack.message(declared.channel, declared.card_ts)
    assert "Roles" not in json.dumps(card["blocks"])
    assert not any("Role " in t for t in timeline_texts(stack, declared.arn))
    assert not said_in(stack, declared.channel, "the *commander*")


def said_in(stack: Stack, channel: str, words: str) -> list[str]:
    return [m.get("text", "") for m in stack.slack.messages(channel) if words in m.get("text", "")]


@pytest.mark.parametrize("where", ["Slack", "AWS"])
async def test_archive_on_an_incident_reopened_since_the_offer_is_refused(
    stack: Stack, where: str
) -> None:
    declared = await declare_incident(stack)
    await command(stack, declared, "resolve")
    [offer] = await eventually(lambda: said(stack, declared.channel, "Archive channel"))
    if where == "Slack":
        await command(stack, declared, "reopen")
    else:
        stack.aws().update_incident_record(arn=declared.arn, status="OPEN")
    await eventually(lambda: record(stack, declared.arn)["status"] == "OPEN")

    await stack.sender.press(declared.user, offer, "incident_archive_channel", declared.channel)
    refused = await eventually(
        lambda: [r for r in replies(stack, declared.user) if "was reopened since" in r]
    )
    assert refused[0] == (
        ":warning: Not archived: *Checkout errors* was reopened since this offer: it is open, so "
        "its channel stays. Once it is resolved again, archive it from the new offer."
    )
    assert not stack.slack.channel(declared.channel).is_archived
    assert not stack.slack.calls_to("conversations.archive")
    assert not any("Channel archived" in t for t in timeline_texts(stack, declared.arn))


@pytest.mark.parametrize(
    ("refusal", "why"),
    [
        ("restricted_action", "this workspace's settings do not let the bot create canvases"),
        ("ratelimited", "Slack is rate-limiting canvas creation right now"),
    ],
)
async def test_export_while_slack_refuses_canvases_is_said_as_such(
    stack: Stack, refusal: str, why: str
) -> None:
    declared = await declare_incident(stack)
    if refusal == "ratelimited":  # HTTP 429, through slack-sdk's retries
        stack.slack.rate_limit("canvases.create", times=10)
    else:
        stack.slack.refuse("canvases.create", refusal)
    await command(stack, declared, "export")
    said = await eventually(
        lambda: [r for r in replies(stack, declared.user) if r.startswith("Exported")]
    )
    file = "a Markdown file in this channel"
    assert said[0] == f"Exported the incident as {file} (Slack refused a canvas: {why})."
    assert [m for m in stack.slack.messages(declared.channel) if m.get("files")]
    assert not [r for r in replies(stack, declared.user) if "Something went wrong" in r]


async def test_export_when_slack_refuses_canvas_and_file_says_nothing_was_exported(
    stack: Stack,
) -> None:
    declared = await declare_incident(stack)
    stack.slack.refuse("canvases.create", "restricted_action")
    stack.slack.refuse("files.getUploadURLExternal", "restricted_action")
    await command(stack, declared, "export")
    said = await eventually(
        lambda: [r for r in replies(stack, declared.user) if "nothing was exported" in r]
    )
    assert said[0] == (
        ":warning: Slack refused a canvas, and the Markdown file too (restricted_action): "
        "nothing was exported. Try again in a minute."
    )
    assert not [m for m in stack.slack.messages(declared.channel) if m.get("files")]

    stack.slack.refuse("canvases.create", "team_access_not_granted")
    await command(stack, declared, "export")
    said = await eventually(
        lambda: [r for r in replies(stack, declared.user) if "refused to create" in r]
    )
    assert said[0] == (
        ":warning: Slack refused to create the canvas (team_access_not_granted): nothing was "
        "exported. Try again, or ask a Slack admin."
    )
