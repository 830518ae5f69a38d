"""The Home tab: the pages waiting for the person who opens it, and the open incidents."""

from __future__ import annotations

from typing import Any

from tests.support import Stack, declare_incident, eventually


def home_text(stack: Stack, user: str) -> str:
    home = stack.slack.home(user)
    return str(home["blocks"]) if home else ""


def home_buttons(stack: Stack, user: str) -> list[dict[str, Any]]:
    home = stack.slack.home(user) or {"blocks": []}
    return [b["accessory"] for b in home["blocks"] if "accessory" in b]


async def test_the_home_tab_shows_waiting_pages_and_acknowledges_them(stack: Stack) -> None:
    alice = stack.slack.add_user("alice", email="alice@example.com")
    bob = stack.slack.add_user("bob", email="bob@example.com")
    declared = await declare_incident(stack)
    await stack.sender.slash_command("/incident", "page alice", declared.user, declared.channel)
    await eventually(lambda: stack.slack.dms(alice))

    await stack.sender.home_opened(alice)
    await eventually(lambda: "Checkout errors" in home_text(stack, alice))
    shown = home_text(stack, alice)
    assert "Impact 2 High" in shown and f"<#{declared.channel}>" in shown
    [acknowledge] = home_buttons(stack, alice)
    assert acknowledge["text"]["text"] == "Acknowledge"

    home = stack.slack.home(alice)
    assert home is not None
    await stack.sender.block_action(
        alice, "page_acknowledge", acknowledge["value"], view_id=home["id"]
    )
    await eventually(lambda: "Nothing is waiting for you." in home_text(stack, alice))
    contacts = stack.aws("ssm-contacts")
    [page] = contacts.list_pages_by_contact(ContactId=stack.emulator.contacts.contact_arn("alice"))[
        "Pages"
    ]
    assert page.get("ReadTime")  # AcceptPage, as from the DM
    await eventually(lambda: any("Acknowledged by" in str(m) for m in stack.slack.dms(alice)))

    await stack.sender.home_opened(bob)
    await eventually(lambda: "Nothing is waiting for you." in home_text(stack, bob))
    assert "Checkout errors" in home_text(stack, bob)  # the open incident, for everyone


async def test_resolved_incidents_leave_the_home_tab(stack: Stack) -> None:
    declared = await declare_incident(stack)
    await stack.sender.slash_command("/incident", "resolve", declared.user, declared.channel)
    await eventually(
        lambda: (
            stack.aws().get_incident_record(arn=declared.arn)["incidentRecord"]["status"]
            == "RESOLVED"
        )
    )
    await stack.sender.home_opened(declared.user)
    await eventually(lambda: "No open incidents." in home_text(stack, declared.user))
