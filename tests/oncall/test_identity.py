"""One identity, both ways: people linked by ``CONTACT_MAP_FILE`` (a Slack user id or an email)
or by their contact's EMAIL channel are who they are for ``/incident me``, ``/incident cover``
and ``PLAN_EDITORS=members`` as their first command, not only after something looked them up
from the contact's side; and finding them does not list every contact on every press."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.contact_plans.test_escalation import MODAL
from tests.incidents.test_sync import counting
from tests.support import Stack, eventually, new_modal, replies

BOB_ID = "U0BOBMAPPED"  # bob's Slack user, named by id in the map file


@pytest.fixture
def bot_settings(tmp_path: Path) -> dict[str, Any]:
    mapping = tmp_path / "contacts.yml"
    # carol's Slack email is not her contact's (carol@example.com): only the map file links her
    mapping.write_text(f"carol: Carol.Chen@corp.example\nbob: {BOB_ID}\n")
    return {"contact_map_file": mapping, "plan_editors": "members", "time_scale": 0.05}


@pytest.fixture
def people(stack: Stack) -> dict[str, str]:
    users = {
        "alice": stack.slack.add_user("alice", email="alice@example.com"),  # her EMAIL channel
        "bob": stack.slack.add_user("bob", user_id=BOB_ID),  # no email at all
        "carol": stack.slack.add_user("carol", email="carol.chen@corp.example"),
        "mallory": stack.slack.add_user("mallory", email="mallory@example.com"),  # no contact
    }
    users["ops"] = stack.slack.add_channel("ops", members=list(users.values()))
    return users


async def me(stack: Stack, user: str, channel: str) -> str:
    """What ``/incident me`` shows the person: their contact, or why not."""
    seen = len(stack.slack.calls_to("response_url"))
    await stack.sender.slash_command("/incident", "me", user, channel)
    [answer] = (await eventually(lambda: stack.slack.calls_to("response_url")[seen:]))[:1]
    blocks = answer.args.get("blocks") or []
    return answer.args.get("text", "") + "".join(str(b.get("text", "")) for b in blocks)


@pytest.mark.parametrize(
    ("name", "alias"), [("alice", "alice"), ("bob", "bob"), ("carol", "carol")]
)
async def test_a_person_linked_by_the_map_file_or_their_email_is_linked_at_first_command(
    stack: Stack, people: dict[str, str], name: str, alias: str
) -> None:
    shown = await me(stack, people[name], people["ops"])
    assert f"Your contact `{alias}`" in shown
    # the same answer from the contact's side: whois names the same person, and how
    await stack.sender.slash_command(
        "/incident", f"whois {alias}", people["mallory"], people["ops"]
    )
    said = await eventually(
        lambda: [r for r in replies(stack, people["mallory"]) if f"`{alias}`" in r]
    )
    assert f"<@{people[name]}>" in said[0]
    how = "matched by the contact's email" if name == "alice" else "from the contact map file"
    assert how in said[0]


async def test_the_map_file_comes_before_the_email_channel_whatever_ran_before(
    stack: Stack, people: dict[str, str]
) -> None:
    # carol's contact has an EMAIL channel at carol@example.com; a Slack user with that email
    # exists, but the map file gives the contact to carol: both directions say so
    impostor = stack.slack.add_user("carol-old", email="carol@example.com")
    for _ in range(2):
        assert "not linked" in (await me(stack, impostor, people["ops"]))
        assert "Your contact `carol`" in (await me(stack, people["carol"], people["ops"]))


async def test_someone_with_no_contact_is_told_so_and_the_contacts_are_not_listed_each_time(
    stack: Stack, people: dict[str, str]
) -> None:
    read = counting(stack.emulator.contacts, "ListContactChannels")
    for _ in range(3):
        said = await me(stack, people["mallory"], people["ops"])
        assert "`/incident link-me <contact-alias>`" in said
    # each person's channels were read once (alice, bob, carol), not once per press
    assert sorted(r["ContactId"].rsplit("/", 1)[1] for r in read) == ["alice", "bob", "carol"]
    # alice is found in that reading: her channels are read once to confirm the match (then
    # stored), and once more by /incident me, which shows them
    assert "Your contact `alice`" in (await me(stack, people["alice"], people["ops"]))
    assert len(read) == 3 + 2
    assert "Your contact `alice`" in (await me(stack, people["alice"], people["ops"]))
    assert len(read) == 5 + 1  # only /incident me's own listing


async def test_a_cover_by_a_map_file_person_as_their_first_command(
    stack: Stack, people: dict[str, str]
) -> None:
    # alice is on call in primary-weekly this week; bob (map file, by id) hands nothing, but
    # alice, linked by email, hands an hour to carol, linked by the map file (by email)
    seen = len(replies(stack, people["alice"]))
    await stack.sender.slash_command(
        "/incident",
        f"cover primary-oncall <@{people['carol']}> +1h +1h",
        people["alice"],
        people["ops"],
    )
    said = (await eventually(lambda: replies(stack, people["alice"])[seen:]))[0]
    assert f"<@{people['carol']}> covers <@{people['alice']}>" in said


async def test_a_plan_member_linked_by_the_map_file_may_edit_it_as_their_first_command(
    stack: Stack, people: dict[str, str]
) -> None:
    view = await new_modal(
        stack.slack,
        MODAL,
        lambda: stack.sender.slash_command(
            "/incident", "plan oncall-escalation edit", people["bob"], people["ops"]
        ),
    )
    assert view["callback_id"] == MODAL
    await stack.sender.slash_command(
        "/incident", "plan oncall-escalation edit", people["mallory"], people["ops"]
    )
    refusal = "So may the people in the plan (linked to Slack)."
    await eventually(
        lambda: [v for v in stack.slack.views_opened() if refusal in str(v.get("blocks"))]
    )
