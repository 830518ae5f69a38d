"""Linking Slack users to contacts: whois, link-me, unlink-me."""

from __future__ import annotations

from tests.escalation.common import (
    ESCALATION,
    page,
    page_dms,
)
from tests.support import Stack, declare_incident, eventually, replies


async def test_whois_link_me_and_unlink_me(stack: Stack, team: dict[str, str]) -> None:
    declared = await declare_incident(stack)
    await stack.sender.slash_command("/incident", "whois alice", declared.user, declared.channel)
    said = await eventually(lambda: [r for r in replies(stack, declared.user) if "alice" in r])
    assert f"<@{team['alice']}>" in said[0] and "email" in said[0]

    for whois, answer in (
        (
            ESCALATION,
            f"`{ESCALATION}` (On-call escalation) is an escalation plan: stage 1 (5 min): "
            "`alice`; stage 2 (10 min): `bob`, `carol` (non-essential). Page it with "
            f"`/incident page {ESCALATION}`.",
        ),
        (
            "primary-oncall",
            "`primary-oncall` (Primary on call) is an on-call schedule; on call now: "
            f"`alice` (<@{team['alice']}>).",
        ),
    ):
        await stack.sender.slash_command(
            "/incident", f"whois {whois}", declared.user, declared.channel
        )
        await eventually(lambda: answer in replies(stack, declared.user))  # noqa: B023

    await stack.sender.slash_command("/incident", "link-me alice", declared.user, declared.channel)
    refused = await eventually(
        lambda: [r for r in replies(stack, declared.user) if "already linked" in r]
    )
    assert refused[0].startswith(":warning:")
    await stack.sender.slash_command(
        "/incident", "link-me oncall-escalation", declared.user, declared.channel
    )
    await eventually(lambda: any("not a person" in r for r in replies(stack, declared.user)))

    dave = stack.slack.add_user("dave")
    await stack.sender.slash_command("/incident", "link-me nobody", dave, declared.channel)
    await eventually(
        lambda: any(
            "No Incident Manager contact has the alias `nobody`" in r for r in replies(stack, dave)
        )
    )


async def test_nobody_can_link_themselves_to_a_colleagues_contact(
    stack: Stack, team: dict[str, str]
) -> None:
    mallory = stack.slack.add_user("mallory")
    declared = await declare_incident(stack)
    await stack.sender.slash_command("/incident", "link-me bob", mallory, declared.channel)
    [refused] = await eventually(lambda: [r for r in replies(stack, mallory) if "bob" in r])
    assert f"`bob` is already linked to <@{team['bob']}>" in refused
    assert "contact's email; ask your bot admins" in refused

    await page(stack, declared, "bob")
    await eventually(lambda: page_dms(stack, team["bob"]))
    assert page_dms(stack, mallory) == []
