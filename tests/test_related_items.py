"""Related items from Slack, read back from Incident Manager and the card."""

from __future__ import annotations

from typing import Any

import pytest

from bot.errors import InvalidInput
from bot.related_items import parse_reference
from tests.support import Stack, card_fields, declare_incident, eventually, replies


def items(stack: Stack, arn: str) -> list[dict[str, Any]]:
    return stack.aws().list_related_items(incidentRecordArn=arn)["relatedItems"]


@pytest.mark.parametrize(
    ("reference", "kind"),
    [
        ("arn:aws:rds:us-east-1:123456789012:db:orders", "INVOLVED_RESOURCE"),
        ("https://console.aws.amazon.com/cloudwatch/home#metricsV2:graph=x", "METRIC"),
        ("https://us-east-1.console.aws.amazon.com/cloudwatch/home#dashboards:name=api", "METRIC"),
        ("https://runbooks.example.com/db", "OTHER"),
    ],
)
def test_item_types_are_inferred(reference: str, kind: str) -> None:
    assert parse_reference(reference).type == kind


@pytest.mark.parametrize("reference", ["not a url", "ftp://x.example.com", "arn:aws:oops"])
def test_malformed_references_are_refused(reference: str) -> None:
    with pytest.raises(InvalidInput):
        parse_reference(reference)


async def test_link_links_and_unlink(stack: Stack) -> None:
    declared = await declare_incident(stack)
    send = stack.sender.slash_command
    await send(
        "/incident",
        "link https://runbooks.example.com/db DB runbook",
        declared.user,
        declared.channel,
    )
    await eventually(lambda: len(items(stack, declared.arn)) == 2)
    await eventually(lambda: card_fields(stack, declared)["Related items"] == "2")
    added = next(i for i in items(stack, declared.arn) if i.get("title") == "DB runbook")
    assert added["identifier"] == {
        "type": "OTHER",
        "value": {"url": "https://runbooks.example.com/db"},
    }

    await send("/incident", "links", declared.user, declared.channel)
    listed = await eventually(
        lambda: [r for r in replies(stack, declared.user) if r.startswith("*Related items*")]
    )
    assert "runbooks.example.com/db" in listed[0]

    await send("/incident", "link https://runbooks.example.com/db", declared.user, declared.channel)
    conflict = await eventually(
        lambda: [r for r in replies(stack, declared.user) if "already" in r]
    )
    assert conflict[0].startswith(":warning:")

    await send(
        "/incident", "unlink https://runbooks.example.com/db", declared.user, declared.channel
    )
    await eventually(lambda: len(items(stack, declared.arn)) == 1)
    await eventually(lambda: card_fields(stack, declared)["Related items"] == "1")


async def test_a_bad_link_changes_nothing(stack: Stack) -> None:
    declared = await declare_incident(stack)
    await stack.sender.slash_command("/incident", "link nonsense", declared.user, declared.channel)
    said = await eventually(
        lambda: [r for r in replies(stack, declared.user) if "neither a URL nor an ARN" in r]
    )
    assert said[0].startswith(":warning:")
    assert len(items(stack, declared.arn)) == 1


async def test_unlink_picker(stack: Stack) -> None:
    declared = await declare_incident(stack)
    await stack.sender.slash_command("/incident", "unlink", declared.user, declared.channel)
    picker = await eventually(
        lambda: [
            c
            for c in stack.slack.calls_to("response_url")
            if c.args.get("blocks") and c.args["blocks"][-1]["type"] == "actions"
        ]
    )
    select = picker[0].args["blocks"][-1]["elements"][0]
    option = select["options"][0]
    assert option["text"]["text"].startswith("Slack channel #inc-")
    await stack.sender.block_action(
        declared.user,
        "incident_unlink",
        channel_id=declared.channel,
        message_ts=declared.card_ts,
        selected_option=option,
    )
    await eventually(lambda: items(stack, declared.arn) == [])


async def test_add_links_shortcut_adds_every_url_once(stack: Stack) -> None:
    declared = await declare_incident(stack)
    ts = stack.slack.user_posts(
        declared.channel,
        declared.user,
        "graphs: <https://grafana.example.com/d/1|latency> and https://status.example.com",
    )
    for _ in range(2):  # a double click adds nothing more
        await stack.sender.message_shortcut(
            "add_links_to_incident", declared.user, declared.channel, ts
        )
    await eventually(lambda: len(items(stack, declared.arn)) == 3)
    said = await eventually(
        lambda: [r for r in replies(stack, declared.user) if "already linked" in r]
    )
    assert "Added 0 link(s)" in said[0]
