"""Acting on an incident from its channel: status, quick forms, the update modal, list."""

from __future__ import annotations

from typing import Any

from tests.support import PLAN_ARN, Stack, card_fields, declare_incident, eventually, replies


def record(stack: Stack, arn: str) -> dict[str, Any]:
    return stack.aws().get_incident_record(arn=arn)["incidentRecord"]


async def test_quick_forms_update_the_record_and_the_card(stack: Stack) -> None:
    declared = await declare_incident(stack)
    send = stack.sender.slash_command

    await send("/incident", "impact 1", declared.user, declared.channel)
    await eventually(lambda: card_fields(stack, declared)["Impact"] == "1 Critical")
    await send("/incident", "title Card payments failing", declared.user, declared.channel)
    await eventually(lambda: record(stack, declared.arn)["title"] == "Card payments failing")
    await send("/incident", "summary Stripe webhooks time out", declared.user, declared.channel)
    await eventually(
        lambda: record(stack, declared.arn).get("summary") == "Stripe webhooks time out"
    )

    card = stack.slack.message(declared.channel, declared.card_ts)
    assert card["blocks"][0]["text"]["text"] == "Card payments failing"
    assert record(stack, declared.arn)["impact"] == 1


async def test_resolve_and_reopen(stack: Stack) -> None:
    declared = await declare_incident(stack)
    await stack.sender.slash_command(
        "/incident", "resolve Rolled back the deploy", declared.user, declared.channel
    )
    await eventually(lambda: "Resolved" in card_fields(stack, declared)["Status"])
    assert "resolvedTime" in record(stack, declared.arn)
    card = stack.slack.message(declared.channel, declared.card_ts)
    assert "Reopen" in [e["text"]["text"] for e in card["blocks"][-1]["elements"]]

    await stack.sender.slash_command("/incident", "reopen", declared.user, declared.channel)
    await eventually(lambda: record(stack, declared.arn)["status"] == "OPEN")
    await eventually(lambda: "Open" in card_fields(stack, declared)["Status"])


async def test_the_card_resolve_button(stack: Stack) -> None:
    declared = await declare_incident(stack)
    await stack.sender.block_action(
        declared.user,
        "incident_resolve",
        declared.arn,
        channel_id=declared.channel,
        message_ts=declared.card_ts,
    )
    await eventually(lambda: record(stack, declared.arn)["status"] == "RESOLVED")
    said = await eventually(
        lambda: [
            m for m in stack.slack.messages(declared.channel) if "resolved" in m.get("text", "")
        ]
    )
    assert f"<@{declared.user}> resolved" in said[0]["text"]


async def test_the_update_modal_sends_only_what_changed(stack: Stack) -> None:
    declared = await declare_incident(stack)
    await stack.sender.slash_command("/incident", "update", declared.user, declared.channel)
    view = (await eventually(lambda: stack.slack.modals("update_incident_modal")))[0]
    fields = {b["block_id"]: b["element"] for b in view["blocks"]}
    assert fields["title_block"]["initial_value"] == "Checkout errors"
    assert fields["impact_block"]["initial_option"]["value"] == "2"
    updates_before = stack.emulator.incidents.events[declared.arn]

    await stack.sender.view_submission(
        declared.user,
        view["id"],
        {
            "title_block": {"title": {"type": "plain_text_input", "value": "Checkout errors"}},
            "impact_block": {
                "impact": {"type": "static_select", "selected_option": {"value": "4"}}
            },
            "summary_block": {
                "summary": {
                    "type": "plain_text_input",
                    "value": fields["summary_block"]["initial_value"],
                }
            },
        },
    )
    await eventually(lambda: record(stack, declared.arn)["impact"] == 4)
    changes = [
        e["eventData"]
        for e in updates_before.values()
        if e["eventType"] == "SSM Incident Record Update"
    ]
    assert changes == ['{"modifiedAttributes": {"impact": 4}}']


async def test_bad_values_are_refused_and_change_nothing(stack: Stack) -> None:
    declared = await declare_incident(stack)
    send = stack.sender.slash_command
    for wrong in ("\u0663", "+3"):  # ٣ and +3: int() takes both, a person meant neither
        await send("/incident", f"impact {wrong}", declared.user, declared.channel)
        await eventually(
            lambda w=wrong: any(f"You sent `{w}`" in r for r in replies(stack, declared.user))
        )
    await send("/incident", "impact 9", declared.user, declared.channel)
    await send("/incident", "title " + "x" * 201, declared.user, declared.channel)
    await send("/incident", "summary " + "y" * 8001, declared.user, declared.channel)
    said = await eventually(
        lambda: (
            [r for r in replies(stack, declared.user) if r.startswith(":warning:")][4:]
            and [r for r in replies(stack, declared.user) if r.startswith(":warning:")][2:]
        )
    )
    assert "Impact must be a number from 1 to 5" in said[0]
    assert "at most 200" in said[1]
    assert "at most 8,000" in said[2]
    current = record(stack, declared.arn)
    assert (current["impact"], current["title"]) == (2, "Checkout errors")


async def test_outside_an_incident_channel_the_user_is_told_what_to_do(stack: Stack) -> None:
    user = stack.slack.add_user("erin")
    general = stack.slack.add_channel("general", members=[user])
    await stack.sender.slash_command("/incident", "resolve", user, general)
    said = await eventually(lambda: replies(stack, user))
    assert "This channel is not an incident channel" in said[0]
    await stack.sender.slash_command("/incident", "status nope", user, general)
    said = await eventually(lambda: replies(stack, user)[1:])
    assert "No incident has the id `nope`" in said[0]


async def test_status_by_id_from_anywhere_and_list(stack: Stack) -> None:
    declared = await declare_incident(stack)
    incident_id = declared.arn.rsplit("/", 1)[-1]
    user = stack.slack.add_user("frank")
    general = stack.slack.add_channel("general", members=[user])
    await stack.sender.slash_command("/incident", f"status {incident_id}", user, general)
    status = await eventually(lambda: stack.slack.calls_to("response_url"))
    assert status[-1].args["blocks"][0]["text"]["text"] == "Checkout errors"

    await stack.sender.slash_command("/incident", "list", user, general)
    listed = await eventually(lambda: [r for r in replies(stack, user) if "Open incidents" in r])
    assert incident_id in listed[0] and f"<#{declared.channel}>" in listed[0]
    await stack.sender.slash_command("/incident", "list resolved", user, general)
    await eventually(lambda: "No resolved incidents." in replies(stack, user))
    await stack.sender.slash_command("/incident", "list everything", user, general)
    await eventually(
        lambda: any("choose one of open, resolved, all" in r for r in replies(stack, user))
    )


async def test_a_long_history_lists_the_first_forty_and_says_there_are_more(
    stack: Stack,
) -> None:
    aws = stack.aws()
    for n in range(120):  # three of the emulator's pages of 50
        arn = aws.start_incident(
            responsePlanArn=PLAN_ARN, title=f"Old incident {n}", clientToken=f"old-{n}"
        )["incidentRecordArn"]
        aws.update_incident_record(arn=arn, status="RESOLVED")
    user = stack.slack.add_user("frank")
    general = stack.slack.add_channel("general", members=[user])

    await stack.sender.slash_command("/incident", "list resolved", user, general)
    [listed] = await eventually(
        lambda: [r for r in replies(stack, user) if "Resolved incidents" in r]
    )
    assert sum("Old incident" in line for line in listed.splitlines()) == 40
    assert listed.endswith("…and more than 40: the AWS console lists them all.")


async def test_a_throttled_aws_changes_nothing_and_says_so(stack: Stack) -> None:
    declared = await declare_incident(stack)
    stack.emulator.faults.add({"operation": "UpdateIncidentRecord", "error": "ThrottlingException"})
    await stack.sender.slash_command("/incident", "impact 1", declared.user, declared.channel)
    said = await eventually(
        lambda: [r for r in replies(stack, declared.user) if "throttling" in r], timeout=20
    )
    stack.emulator.faults.clear()
    assert "nothing was changed" in said[0]
    assert record(stack, declared.arn)["impact"] == 2


async def test_outside_a_channel_a_picker_of_open_incidents_runs_the_command(
    stack: Stack,
) -> None:
    declared = await declare_incident(stack)
    user = stack.slack.add_user("gina")
    stack.slack.channels[declared.channel].members.add(user)  # a responder, working elsewhere
    general = stack.slack.add_channel("general", members=[user])
    await stack.sender.slash_command("/incident", "impact 1", user, general)
    offer = await eventually(
        lambda: [
            c
            for c in stack.slack.calls_to("response_url")
            if c.args.get("blocks") and c.args["blocks"][-1].get("block_id", "").startswith("pick|")
        ]
    )
    picker = offer[0].args["blocks"][-1]
    assert picker["block_id"] == "pick|impact 1"
    [option] = picker["elements"][0]["options"]
    assert option["value"] == declared.arn.rsplit("/", 1)[-1]  # the id: an ARN may pass 150
    assert record(stack, declared.arn)["impact"] == 2  # nothing changed before the choice

    await stack.sender.block_action(
        user,
        "incident_pick",
        block_id=picker["block_id"],
        selected_option=option,
        channel_id=general,
    )
    await eventually(lambda: record(stack, declared.arn)["impact"] == 1)


async def test_a_form_slack_will_not_open_is_said_as_such(stack: Stack) -> None:
    """The trigger of a press lives 3 s: past it, Slack refuses ``views.open``."""
    declared = await declare_incident(stack)
    stack.slack.refuse("views.open", "expired_trigger_id")
    card = stack.slack.message(declared.channel, declared.card_ts)
    await stack.sender.press(declared.user, card, "incident_update", declared.channel)
    said = await eventually(
        lambda: [r for r in replies(stack, declared.user) if "would not open" in r]
    )
    assert said[0] == (":warning: Slack would not open the form (expired_trigger_id): try again.")


def summary_values(view: dict[str, Any], parts: list[str]) -> dict[str, Any]:
    """The update form submitted with its title and impact as shown and ``parts`` typed into
    its summary inputs, in order."""
    blocks = {b["block_id"]: b["element"] for b in view["blocks"]}
    boxes = [b for b in blocks if b.startswith("summary_block")]
    assert len(boxes) == len(parts)
    return {
        "title_block": {
            "title": {"type": "plain_text_input", "value": blocks["title_block"]["initial_value"]}
        },
        "impact_block": {
            "impact": {
                "type": "static_select",
                "selected_option": blocks["impact_block"]["initial_option"],
            }
        },
        **{
            box: {"summary": {"type": "plain_text_input", "value": part or None}}
            for box, part in zip(boxes, parts, strict=True)
        },
    }


async def test_a_summary_longer_than_an_input_is_shown_whole_and_saved_whole(
    stack: Stack,
) -> None:
    declared = await declare_incident(stack)
    long_summary = "\n".join(f"{n:04d} " + "checkout latency " * 6 for n in range(80))[:7_900]
    stack.aws().update_incident_record(arn=declared.arn, summary=long_summary)
    await stack.sender.slash_command("/incident", "update", declared.user, declared.channel)
    view = (await eventually(lambda: stack.slack.modals("update_incident_modal")))[0]

    boxes = [b for b in view["blocks"] if b["block_id"].startswith("summary_block")]
    assert [b["element"]["max_length"] for b in boxes] == [3000, 3000, 3000]
    shown = [b["element"].get("initial_value") or "" for b in boxes]
    assert "".join(shown) == long_summary  # nothing the form cannot show is lost
    assert all(part.endswith("\n") for part in shown[:-1])  # cut between lines
    assert [b["label"]["text"] for b in boxes] == ["Summary", *["Summary (continued)"] * 2]

    unchanged = await stack.sender.view_submission(
        declared.user, view["id"], summary_values(view, shown)
    )
    assert unchanged.status == 200
    edited = [shown[0], shown[1], shown[2].replace("0072", "LAST")]
    await stack.sender.view_submission(declared.user, view["id"], summary_values(view, edited))
    await eventually(lambda: record(stack, declared.arn)["summary"] == "".join(edited))
    assert len(record(stack, declared.arn)["summary"]) == 7_900


async def test_a_short_summary_gets_a_box_with_room_and_a_hint_for_more(stack: Stack) -> None:
    declared = await declare_incident(stack)
    stack.aws().update_incident_record(arn=declared.arn, summary="s" * 2_600)
    await stack.sender.slash_command("/incident", "update", declared.user, declared.channel)
    view = (await eventually(lambda: stack.slack.modals("update_incident_modal")))[0]
    boxes = [b for b in view["blocks"] if b["block_id"].startswith("summary_block")]
    assert [b["element"].get("initial_value") for b in boxes] == ["s" * 2_600, None]
    assert "/incident update shows another box" in boxes[-1]["hint"]["text"]

    # a summary of 5,000 gets a third box: filled past AWS's 8,000, the form says so
    stack.aws().update_incident_record(arn=declared.arn, summary="t" * 5_000)
    await stack.sender.slash_command("/incident", "update", declared.user, declared.channel)
    view = (await eventually(lambda: stack.slack.modals("update_incident_modal")[1:]))[0]
    too_long = summary_values(view, ["a" * 3_000, "b" * 3_000, "c" * 2_001])
    answer = (await stack.sender.view_submission(declared.user, view["id"], too_long)).json()
    assert "8,001 characters" in answer["errors"]["summary_block_3"]
    assert record(stack, declared.arn)["summary"] == "t" * 5_000
