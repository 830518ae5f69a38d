"""Escalation plans from Slack (issue 10): shown, edited in a form, saved with UpdateContact,
checked inline against AWS's limits, concurrent edits detected, only admins, audited."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from dataclasses import replace
from typing import Any

import pytest

from emulator.testing import RunningEmulator
from tests.support import Stack, eventually, new_modal, replies

ADMINS = "SADMINS01"
ONCALL = "CONCALL01"
PLAN = "arn:aws:ssm-contacts:us-east-1:111122223333:contact/oncall-escalation"
ALICE, BOB, CAROL = (
    f"arn:aws:ssm-contacts:us-east-1:111122223333:contact/{name}"
    for name in ("alice", "bob", "carol")
)
SCHEDULE = "arn:aws:ssm-contacts:us-east-1:111122223333:contact/primary-oncall"
MODAL = "plan_edit_modal"


@pytest.fixture
def bot_settings() -> dict[str, Any]:
    return {"time_scale": 0.05, "admin_group": ADMINS, "oncall_channel": ONCALL}


@pytest.fixture
def people(stack: Stack) -> dict[str, str]:
    """An admin, alice (her email matches her contact's) and an outsider, in #ops."""
    users = {
        "ada": stack.slack.add_user("ada"),
        "alice": stack.slack.add_user("alice", email="alice@example.com"),
        "mallory": stack.slack.add_user("mallory"),
    }
    stack.slack.usergroups[ADMINS] = [users["ada"]]
    stack.slack.add_channel("oncall", members=["UBOT0INCIDENT"], channel_id=ONCALL)
    users["ops"] = stack.slack.add_channel("ops", members=list(users.values()))
    return users


def update_calls(emulator: RunningEmulator) -> Counter[str]:
    calls: Counter[str] = Counter()
    original = emulator.contacts.UpdateContact

    def counting(params: dict[str, Any]) -> dict[str, Any]:
        calls[params["ContactId"]] += 1
        return original(params)

    emulator.contacts.UpdateContact = counting
    return calls


def stages_in_aws(stack: Stack) -> list[dict[str, Any]]:
    return stack.aws("ssm-contacts").get_contact(ContactId=PLAN)["Plan"]["Stages"]


async def open_form(stack: Stack, user: str, channel: str) -> dict[str, Any]:
    return await new_modal(
        stack.slack,
        MODAL,
        lambda: stack.sender.slash_command(
            "/incident", "plan oncall-escalation edit", user, channel
        ),
    )


async def act(stack: Stack, user: str, view: dict[str, Any], action: str, **how: Any) -> dict:
    """Press (or choose) ``action`` in the form; the form as Slack shows it afterwards."""
    before = view["hash"]
    await stack.sender.block_action(user, action, view_id=view["id"], **how)
    return await eventually(
        lambda: (
            stack.slack.views[view["id"]]
            if stack.slack.views[view["id"]]["hash"] != before
            else None
        )
    )


def revision(view: dict[str, Any]) -> str:
    return next(
        b["block_id"] for b in view["blocks"] if b["block_id"].startswith("minutes:")
    ).split(":")[1]


def filled(view: dict[str, Any], minutes: list[str], essential: list[list[int]]) -> dict:
    """The state Slack sends when the minutes and essential boxes are filled in (a stage with
    no target has no essential boxes, so Slack sends none for it)."""
    rev = revision(view)
    inputs = {b["block_id"]: b["element"]["type"] for b in view["blocks"] if b["type"] == "input"}
    values: dict[str, Any] = {}
    for index, typed in enumerate(minutes):
        values[f"minutes:{rev}:{index}"] = {
            "plan_minutes": {"type": "plain_text_input", "value": typed}
        }
        if f"essential:{rev}:{index}" not in inputs:
            continue
        values[f"essential:{rev}:{index}"] = {
            "plan_essential": {
                "type": inputs[f"essential:{rev}:{index}"],  # more than 10 targets: a menu
                "selected_options": [{"value": str(p)} for p in essential[index]],
            }
        }
    return values


def texts(view: dict[str, Any]) -> str:
    return "\n".join(
        (b.get("text") or {}).get("text", "") for b in view["blocks"] if b["type"] == "section"
    )


async def test_a_plan_is_shown_with_its_people_in_slack(stack: Stack, people: dict) -> None:
    await stack.sender.slash_command(
        "/incident", "plan oncall-escalation", people["ada"], people["ops"]
    )
    shown = await eventually(
        lambda: [c.args for c in stack.slack.calls_to("response_url") if c.args.get("blocks")]
    )
    blocks = shown[-1]["blocks"]
    text = "\n".join((b.get("text") or {}).get("text", "") for b in blocks)
    assert "*Stage 1* · 5 min" in text and "*Stage 2* · 10 min" in text
    assert f"`alice` Alice Archer (<@{people['alice']}>) — *essential*" in text
    assert "`carol` Carol Chen (not linked to Slack) — not essential" in text
    edit = blocks[-1]["elements"][0]
    assert edit["action_id"] == "plan_edit"

    view = await new_modal(
        stack.slack,
        MODAL,
        lambda: stack.sender.block_action(
            people["ada"], "plan_edit", edit["value"], channel_id=people["ops"]
        ),
    )
    assert f"`alice` Alice Archer (<@{people['alice']}>)" in texts(view)


async def test_an_admin_edits_every_part_of_a_plan(stack: Stack, people: dict) -> None:
    ada = people["ada"]
    view = await open_form(stack, ada, people["ops"])
    assert "`carol` Carol Chen" in texts(view)

    view = await act(stack, ada, view, "plan_add_stage", value="add")
    suggested = await stack.sender.interaction(
        {
            **stack.sender._base("block_suggestion", ada),
            "action_id": "plan_add_target",
            "block_id": f"add:{revision(view)}:2",
            "value": "primary",
            "view": view,
        }
    )
    options = suggested.json()["options"]
    assert [o["value"] for o in options] == [SCHEDULE]
    assert options[0]["text"]["text"] == "primary-oncall — Primary on call (on-call schedule)"

    view = await act(
        stack,
        ada,
        view,
        "plan_add_target",
        block_id=f"add:{revision(view)}:2",
        selected_option={"value": SCHEDULE},
    )
    view = await act(stack, ada, view, "plan_remove_target", value="1:1")  # carol
    view = await act(stack, ada, view, "plan_stage_menu", selected_option={"value": "up:2"})
    view = await act(stack, ada, view, "plan_add_stage", value="add")
    view = await act(stack, ada, view, "plan_stage_menu", selected_option={"value": "remove:3"})
    assert "Primary on call" in texts(view) and "Carol" not in texts(view)

    await stack.sender.view_submission(
        ada, view["id"], filled(view, ["7", "3", "12"], [[], [0], [0]])
    )
    expected = [
        {
            "DurationInMinutes": 7,
            "Targets": [{"ContactTargetInfo": {"ContactId": ALICE, "IsEssential": False}}],
        },
        {
            "DurationInMinutes": 3,
            "Targets": [{"ContactTargetInfo": {"ContactId": SCHEDULE, "IsEssential": True}}],
        },
        {
            "DurationInMinutes": 12,
            "Targets": [{"ContactTargetInfo": {"ContactId": BOB, "IsEssential": True}}],
        },
    ]
    await eventually(lambda: stages_in_aws(stack) == expected)

    audit = await eventually(lambda: stack.slack.messages(ONCALL))
    assert f"<@{ada}> changed the escalation plan `oncall-escalation`" in audit[0]["text"]
    assert "*before:* 1) 5 min: alice*; 2) 10 min: bob*, carol" in audit[0]["text"]
    assert (
        "*after:* 1) 7 min: alice; 2) 3 min: primary-oncall*; 3) 12 min: bob*" in audit[0]["text"]
    )
    said = await eventually(lambda: [t for t in replies(stack, ada) if "Saved" in t])
    assert "1) 7 min: alice; 2) 3 min: primary-oncall*; 3) 12 min: bob*" in said[0]


@pytest.mark.parametrize(
    ("minutes", "problem"),
    [
        ("31", "AWS accepts 0 to 30 minutes per stage, not 31."),
        ("-1", "Give a whole number of minutes from 0 to 30."),
        ("soon", "Give a whole number of minutes from 0 to 30."),
        ("\u00b2", "Give a whole number of minutes from 0 to 30."),  # ², which isdigit() takes
        ("\u2460", "Give a whole number of minutes from 0 to 30."),  # ①
        ("\u0663", "Give a whole number of minutes from 0 to 30."),  # ٣, which int() takes
    ],
)
async def test_minutes_aws_would_refuse_are_refused_inline(
    stack: Stack, people: dict, minutes: str, problem: str
) -> None:
    calls = update_calls(stack.emulator)
    view = await open_form(stack, people["ada"], people["ops"])
    answer = await stack.sender.view_submission(
        people["ada"], view["id"], filled(view, ["5", minutes], [[0], [0]])
    )
    assert answer.json() == {
        "response_action": "errors",
        "errors": {f"minutes:{revision(view)}:1": problem},
    }
    assert calls[PLAN] == 0


async def test_an_empty_stage_is_refused_inline(stack: Stack, people: dict) -> None:
    calls = update_calls(stack.emulator)
    view = await open_form(stack, people["ada"], people["ops"])
    view = await act(stack, people["ada"], view, "plan_add_stage", value="add")
    answer = await stack.sender.view_submission(
        people["ada"], view["id"], filled(view, ["5", "10", "2"], [[0], [0], []])
    )
    assert answer.json()["errors"] == {
        f"minutes:{revision(view)}:2": "This stage has no target: add one, or remove the stage."
    }
    assert calls[PLAN] == 0


async def test_more_targets_than_the_limit_are_refused_inline(stack: Stack, people: dict) -> None:
    """botocore's model sets no maximum on a stage's targets today; when it does, the form
    enforces it (here one is set)."""
    calls = update_calls(stack.emulator)
    stack.services.plans.limits = replace(stack.services.plans.limits, targets=1)
    view = await open_form(stack, people["ada"], people["ops"])
    answer = await stack.sender.view_submission(
        people["ada"], view["id"], filled(view, ["5", "10"], [[0], [0]])
    )
    assert answer.json()["errors"] == {
        f"minutes:{revision(view)}:1": "AWS allows at most 1 targets in a stage; this one has 2."
    }
    assert calls[PLAN] == 0


async def test_a_plan_changed_in_aws_meanwhile_is_not_overwritten(
    stack: Stack, people: dict
) -> None:
    view = await open_form(stack, people["ada"], people["ops"])
    theirs = [
        {
            "DurationInMinutes": 2,
            "Targets": [{"ContactTargetInfo": {"ContactId": CAROL, "IsEssential": True}}],
        }
    ]
    stack.aws("ssm-contacts").update_contact(ContactId=PLAN, Plan={"Stages": theirs})

    await stack.sender.view_submission(
        people["ada"], view["id"], filled(view, ["9", "10"], [[0], [0]])
    )
    said = await eventually(lambda: [t for t in replies(stack, people["ada"]) if "changed by" in t])
    assert "nothing was saved" in said[0] and "*now:* 1) 2 min: carol*" in said[0]
    assert stages_in_aws(stack) == theirs
    assert stack.slack.messages(ONCALL) == []


async def test_two_forms_saved_at_once_save_once(stack: Stack, people: dict) -> None:
    calls = update_calls(stack.emulator)
    ada = people["ada"]
    first = await open_form(stack, ada, people["ops"])
    second = await open_form(stack, ada, people["ops"])
    reading = stack.emulator.contacts.GetContact

    def slow_read(params: dict[str, Any]) -> dict[str, Any]:  # both saves read before a write
        time.sleep(0.3)
        return reading(params)

    stack.emulator.contacts.GetContact = slow_read
    await asyncio.gather(
        stack.sender.view_submission(ada, first["id"], filled(first, ["1", "10"], [[0], [0]])),
        stack.sender.view_submission(ada, second["id"], filled(second, ["2", "10"], [[0], [0]])),
    )
    await eventually(lambda: [t for t in replies(stack, ada) if "changed by" in t])
    await eventually(lambda: [t for t in replies(stack, ada) if "Saved" in t])
    assert calls[PLAN] == 1
    assert len(stack.slack.messages(ONCALL)) == 1


async def test_a_non_admin_may_not_edit(stack: Stack, people: dict) -> None:
    calls = update_calls(stack.emulator)
    await stack.sender.slash_command(
        "/incident", "plan oncall-escalation edit", people["mallory"], people["ops"]
    )
    refusal = "Only members of <!subteam^SADMINS01> (admins) may edit the escalation plan"
    shown = await eventually(lambda: [v for v in stack.slack.views_opened() if refusal in texts(v)])
    assert shown[0].get("submit") is None
    assert stack.slack.modals(MODAL) == []
    assert calls[PLAN] == 0


# -- what the form carries is a claim (issue 27) ------------------------------------------------


def refusal_in(answer: Any) -> str:
    """The text of the modal a refused submission was answered with."""
    body = answer.json()
    assert body["response_action"] == "update"
    return texts(body["view"])


async def test_save_takes_the_plan_the_form_was_opened_for_not_its_metadata(
    stack: Stack, people: dict
) -> None:
    """An admin's form whose private_metadata is re-pointed at a person's own contact (or at
    nothing) saves nothing: the metadata names no form the bot kept."""
    calls = update_calls(stack.emulator)
    ada = people["ada"]
    view = await open_form(stack, ada, people["ops"])
    assert (
        len(view["private_metadata"]) <= 64 and "oncall-escalation" not in view["private_metadata"]
    )
    forged = json.dumps(
        {
            "arn": ALICE,
            "alias": "alice",
            "read": "x",
            "channel": "",
            "rev": 0,
            "stages": [["5", [[PLAN, True]]]],
        }
    )
    for metadata in (forged, "", "{}", "not json"):
        stack.slack.views[view["id"]]["private_metadata"] = metadata
        answer = await stack.sender.view_submission(
            ada, view["id"], filled(view, ["5", "10"], [[0], [0]])
        )
        assert "That form is not one I opened, or it changed since." in refusal_in(answer)
    assert calls == Counter()
    assert stack.slack.messages(ONCALL) == []


async def test_another_person_submitting_the_form_saves_nothing(stack: Stack, people: dict) -> None:
    calls = update_calls(stack.emulator)
    view = await open_form(stack, people["ada"], people["ops"])
    stack.slack.usergroups[ADMINS].append(people["mallory"])  # an admin too: still not their form
    answer = await stack.sender.view_submission(
        people["mallory"], view["id"], filled(view, ["1", "1"], [[0], [0]])
    )
    assert "That form was opened by someone else." in refusal_in(answer)
    assert calls == Counter() and stack.slack.messages(ONCALL) == []


async def test_choices_the_form_never_offered_are_refused(stack: Stack, people: dict) -> None:
    calls = update_calls(stack.emulator)
    ada = people["ada"]
    view = await open_form(stack, ada, people["ops"])
    rev = revision(view)
    # the plan itself as a target, and a contact AWS does not have, through the target menu
    for target in (PLAN, "arn:aws:ssm-contacts:us-east-1:111122223333:contact/nobody"):
        await stack.sender.block_action(
            ada,
            "plan_add_target",
            view_id=view["id"],
            block_id=f"add:{rev}:0",
            selected_option={"value": target},
        )
    await eventually(lambda: len([r for r in dms_to(stack, ada) if ":warning:" in r]) == 2)
    warned = [r for r in dms_to(stack, ada) if ":warning:" in r]
    assert any("A plan cannot page itself: choose another target." in r for r in warned)
    assert any("AWS has no such contact (ssm-contacts:GetContact)" in r for r in warned)
    # a stage, a target or a move the form does not have
    for action, how in (
        ("plan_remove_target", {"value": "0:7"}),
        ("plan_stage_menu", {"selected_option": {"value": "up:0"}}),
        ("plan_stage_menu", {"selected_option": {"value": "remove:9"}}),
        ("plan_add_stage", {"value": "add;drop"}),
    ):
        await stack.sender.block_action(ada, action, view_id=view["id"], **how)
    await eventually(
        lambda: len([r for r in dms_to(stack, ada) if "not one of the form's" in r]) == 4
    )
    assert stack.slack.views[view["id"]]["hash"] == view["hash"]  # never re-rendered
    # an essential box the stage does not offer
    values = filled(view, ["5", "10"], [[0], [0]])
    values[f"essential:{rev}:0"]["plan_essential"]["selected_options"] = [{"value": "5"}]
    answer = await stack.sender.view_submission(ada, view["id"], values)
    assert "That form carries a choice the form did not offer." in refusal_in(answer)
    assert calls == Counter() and stack.slack.messages(ONCALL) == []


def dms_to(stack: Stack, user: str) -> list[str]:
    return [m.get("text", "") for m in stack.slack.dms(user)]


async def test_save_rechecks_who_may_edit_on_the_plan_as_aws_holds_it(
    stack: Stack, people: dict
) -> None:
    calls = update_calls(stack.emulator)
    ada = people["ada"]
    view = await open_form(stack, ada, people["ops"])
    stack.slack.usergroups[ADMINS] = []  # no longer an admin since the form opened
    stack.services.permissions._groups.clear()  # (the policy trusts a group for 30 s)
    await stack.sender.view_submission(ada, view["id"], filled(view, ["1", "1"], [[0], [0]]))
    said = await eventually(lambda: [r for r in replies(stack, ada) if "Nothing was saved" in r])
    assert "(admins) may edit the escalation plan `oncall-escalation`" in said[0]
    assert calls == Counter() and stack.slack.messages(ONCALL) == []


async def test_a_plan_too_large_for_private_metadata_is_edited(stack: Stack, people: dict) -> None:
    """60 targets' ARNs are some 6,000 characters: the form carries only a key to them."""
    contacts = stack.aws("ssm-contacts")
    many = [
        contacts.create_contact(
            Alias=f"responder-{n:02d}-" + "x" * 50,
            DisplayName=f"R{n}",
            Type="PERSONAL",
            Plan={"Stages": []},
        )["ContactArn"]
        for n in range(60)
    ]
    stages = [
        {
            "DurationInMinutes": 5,
            "Targets": [
                {"ContactTargetInfo": {"ContactId": arn, "IsEssential": False}} for arn in many[:30]
            ],
        },
        {
            "DurationInMinutes": 10,
            "Targets": [
                {"ContactTargetInfo": {"ContactId": arn, "IsEssential": False}} for arn in many[30:]
            ],
        },
    ]
    contacts.update_contact(ContactId=PLAN, Plan={"Stages": stages})
    assert sum(len(arn) for arn in many) > 3000
    view = await open_form(stack, people["ada"], people["ops"])
    assert len(view["private_metadata"]) <= 3000
    await stack.sender.view_submission(
        people["ada"], view["id"], filled(view, ["6", "10"], [[], []])
    )
    await eventually(lambda: stages_in_aws(stack)[0]["DurationInMinutes"] == 6)
    assert len(stages_in_aws(stack)[1]["Targets"]) == 30


async def test_saved_but_not_read_back_is_said_and_still_posted(stack: Stack, people: dict) -> None:
    """UpdateContact went through; the GetContact after it is throttled (every retry)."""
    ada = people["ada"]
    view = await open_form(stack, ada, people["ops"])
    faults = stack.emulator.faults
    faults.add({"operation": "UpdateContact", "delay_seconds": 1, "times": 1})
    await stack.sender.view_submission(ada, view["id"], filled(view, ["7", "10"], [[0], [0]]))
    await eventually(lambda: not faults.listing())  # UpdateContact arrived and is held
    faults.add(
        {
            "operation": "GetContact",
            "error": "ThrottlingException",
            "when": {"ContactId": PLAN},  # every try botocore makes, until cleared
        }
    )
    said = await eventually(lambda: [r for r in replies(stack, ada) if "Saved" in r], 60)
    assert "but I could not read it back from AWS (AWS is throttling requests)" in said[0]
    assert "1) 7 min: alice*; 2) 10 min: bob*, carol" in said[0]
    assert "Nothing was saved" not in said[0] and "nothing was changed" not in said[0]
    audit = await eventually(lambda: stack.slack.messages(ONCALL))
    assert "*before:* 1) 5 min: alice*; 2) 10 min: bob*, carol" in audit[0]["text"]
    assert "*after:* 1) 7 min: alice*; 2) 10 min: bob*, carol" in audit[0]["text"]
    faults.clear()
    assert stages_in_aws(stack)[0]["DurationInMinutes"] == 7
