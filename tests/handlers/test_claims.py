"""A button's value and a form's metadata are claims, not facts (issue 27): for every action and
every form the bot registers — generated from what is registered, so a new one cannot be missed
— a real press or submission is made, then replayed as another person, with values the bot
never offered, and (for a form) with its private_metadata changed. Each is refused, said to
the sender, and neither AWS (no write reaches the emulator) nor Slack (nothing posted, no form
re-rendered) changes. Buttons anyone may legitimately press are declared so in their registry,
and for them the declaration is what is checked."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.blocks.ids import Action, Callback, MeAction, OncallAction, PagingAction, PlanAction
from emulator.slack.sender import Delivery
from emulator.slack.workspace import BOT_USER
from handlers.actions import buttons
from handlers.views import forms
from handlers.who import Who
from tests.oncall.conftest import daily_schedule
from tests.support import PLAN_ARN, Stack, declare_incident, declare_values, eventually, new_modal
from tests.test_manifest import recording

ADMINS = "SADMINS01"
ONCALL = "CONCALL01"
CONTACT = "arn:aws:ssm-contacts:us-east-1:111122223333:contact/"
PLAN = CONTACT + "oncall-escalation"
UNKNOWN_INCIDENT = "arn:aws:ssm-incidents::111122223333:incident-record/critical-service/forged"
REGISTERED = recording().registered
BUTTONS = {button.action_id: button for button in buttons()}
FORMS = {form.callback_id: form for form in forms()}
READS = ("Get", "List", "Describe")
PUBLIC = {  # Slack methods whose effect others see
    "chat.postMessage",
    "chat.update",
    "chat.delete",
    "conversations.archive",
    "conversations.create",
    "conversations.invite",
    "pins.add",
    "canvases.create",
    "files.completeUploadExternal",
    "views.publish",
}


@pytest.fixture
def bot_settings(request: pytest.FixtureRequest) -> dict[str, Any]:
    quiet = {"sync_interval_seconds": 3600, "mirror_interval_seconds": 3600}
    handoffs = {"handoff_notice_minutes": 0.1, "handoff_check_seconds": 0.3}
    surface = getattr(request, "param", "")
    covering = surface in (OncallAction.COVER_FOR_ME, OncallAction.WILL_COVER)
    running = surface in (PagingAction.ACKNOWLEDGE, PagingAction.ESCALATE_NOW)
    return {
        "default_response_plan": "critical-service",
        # a page pressed while its escalation runs (stage 1 lasts 5 min) or once it ended
        "time_scale": 60 if running else 0.05,
        "admin_group": ADMINS,
        "oncall_channel": ONCALL,
        **quiet,
        **(handoffs if covering else {"handoff_check_seconds": 3600}),
    }


@pytest.fixture
def people(stack: Stack) -> dict[str, str]:
    """An admin, the seed's people (linked by their e-mail), and mallory, who is nobody."""
    users = {
        name: stack.slack.add_user(name, email=f"{name}@example.com")
        for name in ("alice", "bob", "carol")
    }
    users["ada"] = stack.slack.add_user("ada")
    users["mallory"] = stack.slack.add_user("mallory")
    stack.slack.usergroups[ADMINS] = [users["ada"]]
    stack.slack.add_channel("oncall", members=[BOT_USER], channel_id=ONCALL)
    users["ops"] = stack.slack.add_channel("ops", members=list(users.values()))
    return users


@dataclass
class Legit:
    """A press or submission as Slack would deliver it for the person it was made for."""

    user: str
    value: str | None = None  # a button's value, or the option chosen
    channel: str | None = None
    message_ts: str | None = None
    view_id: str | None = None
    block_id: str = "actions"
    select: bool = False  # a menu: the value rides as ``selected_option``
    values: dict[str, Any] = field(default_factory=dict)  # a form's state
    forged: tuple[str, ...] = ()  # values the bot never offered
    forged_values: tuple[dict[str, Any], ...] = ()  # form states with a choice never offered


Scenario = Callable[[Stack, dict[str, str]], Awaitable[Legit]]
SCENARIOS: dict[str, Scenario] = {}


def scenario(*surfaces: str) -> Callable[[Scenario], Scenario]:
    def add(made: Scenario) -> Scenario:
        for surface in surfaces:
            SCENARIOS[surface] = _bound(made, surface)
        return made

    return add


def _bound(made: Any, surface: str) -> Scenario:
    async def run(stack: Stack, people: dict[str, str]) -> Legit:
        return await made(stack, people, surface)

    return run


def button_value(message: dict[str, Any], action_id: str) -> str:
    return next(
        element["value"]
        for block in message.get("blocks", [])
        for element in (block.get("elements") or [block.get("accessory") or {}])
        if element.get("action_id") == action_id
    )


async def messages_saying(stack: Stack, channel: str, words: str) -> list[dict[str, Any]]:
    return await eventually(
        lambda: [m for m in stack.slack.messages(channel) if words in json.dumps(m)]
    )


def ephemeral_blocks(stack: Stack, user: str, action_id: str) -> dict[str, Any] | None:
    """The newest ephemeral answer to ``user`` holding an element ``action_id``, if any."""
    return next(
        (
            e
            for e in reversed(stack.slack.ephemerals_for(user))
            if f'"{action_id}"' in json.dumps(e.get("blocks") or [])
        ),
        None,
    )


# -- the incident's buttons ------------------------------------------------------------------


@scenario(Action.UPDATE, Action.RESOLVE, Action.POST_UPDATE)
async def card_button(stack: Stack, _people: dict[str, str], action_id: str) -> Legit:
    declared = await declare_incident(stack)
    card = stack.slack.message(declared.channel, declared.card_ts)
    return Legit(
        declared.user,
        button_value(card, action_id),
        declared.channel,
        declared.card_ts,
        forged=("not-an-arn", UNKNOWN_INCIDENT),
    )


@scenario(Action.REOPEN, Action.EXPORT, Action.ARCHIVE)
async def resolved_button(stack: Stack, _people: dict[str, str], action_id: str) -> Legit:
    declared = await declare_incident(stack)
    await stack.sender.slash_command("/incident", "resolve", declared.user, declared.channel)
    words = "Reopen" if action_id == Action.REOPEN else "Archive channel"
    [message] = await messages_saying(stack, declared.channel, f'"{words}"')
    return Legit(
        declared.user,
        button_value(message, action_id),
        declared.channel,
        message["ts"],
        forged=("not-an-arn", UNKNOWN_INCIDENT),
    )


@scenario(Action.UNLINK)
async def unlink_picker(stack: Stack, _people: dict[str, str], _: str) -> Legit:
    declared = await declare_incident(stack)
    send = stack.sender.slash_command
    await send("/incident", "link https://runbook.example/db", declared.user, declared.channel)
    await eventually(
        lambda: (
            "runbook" in json.dumps(stack.aws().list_related_items(incidentRecordArn=declared.arn))
        )
    )
    await send("/incident", "unlink", declared.user, declared.channel)
    picker = await eventually(lambda: ephemeral_blocks(stack, declared.user, Action.UNLINK))
    block = next(b for b in picker["blocks"] if Action.UNLINK in json.dumps(b))
    element = block.get("accessory") or block["elements"][0]
    return Legit(
        declared.user,
        element["options"][0]["value"],
        declared.channel,
        block_id=block["block_id"],
        select=True,
        forged=("https://never.linked.example/x",),
    )


@scenario(Action.PICK)
async def incident_picker(stack: Stack, people: dict[str, str], _: str) -> Legit:
    declared = await declare_incident(stack)
    elsewhere = stack.slack.add_channel("elsewhere", members=[declared.user])
    await stack.sender.slash_command("/incident", "resolve", declared.user, elsewhere)
    picker = await eventually(lambda: ephemeral_blocks(stack, declared.user, Action.PICK))
    block = picker["blocks"][-1]
    return Legit(
        declared.user,
        block["elements"][0]["options"][0]["value"],
        elsewhere,
        block_id=block["block_id"],
        select=True,
        forged=("not-an-arn", UNKNOWN_INCIDENT),
    )


# -- paging ----------------------------------------------------------------------------------


@scenario(PagingAction.ACKNOWLEDGE, PagingAction.ESCALATE_NOW, PagingAction.PAGE_AGAIN)
async def paged(stack: Stack, people: dict[str, str], action_id: str) -> Legit:
    """The seed's escalation plan paged: in its first stage (Acknowledge, Escalate now), or
    to its end (Page again)."""
    declared = await declare_incident(stack)
    send = stack.sender.slash_command
    await send("/incident", "page oncall-escalation", declared.user, declared.channel)
    if action_id == PagingAction.PAGE_AGAIN:
        [status] = await messages_saying(stack, declared.channel, '"Page again"')
        value = button_value(status, action_id)
        return Legit(declared.user, value, declared.channel, status["ts"], forged=("nope",))
    alice = people["alice"]
    [dm] = await eventually(
        lambda: [m for m in stack.slack.dms(alice) if action_id in json.dumps(m.get("blocks"))]
    )
    who = alice if action_id == PagingAction.ACKNOWLEDGE else declared.user
    channel = stack.slack.im(alice).id
    return Legit(who, button_value(dm, action_id), channel, dm["ts"], forged=("nope",))


# -- escalation plans ------------------------------------------------------------------------


@scenario(PlanAction.EDIT)
async def plan_shown(stack: Stack, people: dict[str, str], _: str) -> Legit:
    ada = people["ada"]
    await stack.sender.slash_command("/incident", "plan oncall-escalation", ada, people["ops"])
    shown = await eventually(lambda: ephemeral_blocks(stack, ada, PlanAction.EDIT))
    value = button_value(shown, PlanAction.EDIT)
    return Legit(ada, value, people["ops"], forged=("alice", "nobody-at-all"))


async def plan_form(stack: Stack, ada: str, ops: str) -> dict[str, Any]:
    return await new_modal(
        stack.slack,
        PlanAction.MODAL,
        lambda: stack.sender.slash_command("/incident", "plan oncall-escalation edit", ada, ops),
    )


@scenario(
    PlanAction.STAGE_MENU, PlanAction.REMOVE_TARGET, PlanAction.ADD_STAGE, PlanAction.ADD_TARGET
)
async def in_plan_form(stack: Stack, people: dict[str, str], action_id: str) -> Legit:
    view = await plan_form(stack, people["ada"], people["ops"])
    rev = next(b["block_id"] for b in view["blocks"] if b["block_id"].startswith("minutes:"))
    rev = rev.split(":")[1]
    legit = {
        PlanAction.STAGE_MENU: (
            "down:0",
            f"stage:{rev}:0",
            True,
            ("up:0", "remove:7", "sideways:1"),
        ),
        PlanAction.REMOVE_TARGET: ("1:1", f"target1:{rev}:1", False, ("0:9", "5:0", "x")),
        PlanAction.ADD_STAGE: ("add", f"stages:{rev}", False, ("add;drop",)),
        PlanAction.ADD_TARGET: (CONTACT + "bob", f"add:{rev}:0", True, (PLAN, CONTACT + "nobody")),
    }[action_id]
    value, block_id, select, forged = legit
    return Legit(
        people["ada"], value, view_id=view["id"], block_id=block_id, select=select, forged=forged
    )


@scenario(PlanAction.MODAL)
async def plan_saved(stack: Stack, people: dict[str, str], _: str) -> Legit:
    view = await plan_form(stack, people["ada"], people["ops"])
    rev = next(b["block_id"] for b in view["blocks"] if b["block_id"].startswith("minutes:"))
    rev = rev.split(":")[1]

    def state(essential: str) -> dict[str, Any]:
        return {
            **{
                f"minutes:{rev}:{i}": {"plan_minutes": {"type": "plain_text_input", "value": "7"}}
                for i in (0, 1)
            },
            f"essential:{rev}:1": {
                "plan_essential": {"type": "checkboxes", "selected_options": [{"value": essential}]}
            },
        }

    return Legit(people["ada"], view_id=view["id"], values=state("0"), forged_values=(state("5"),))


# -- /incident me ----------------------------------------------------------------------------


async def alice_me(stack: Stack, people: dict[str, str]) -> dict[str, Any]:
    """Alice, linked, with a VOICE channel to activate; her ``/incident me`` answer."""
    await stack.services.people.link(people["alice"], "alice", admin="a test")
    stack.aws("ssm-contacts").create_contact_channel(
        ContactId=CONTACT + "alice",
        Name="alice-phone",
        Type="VOICE",
        DeliveryAddress={"SimpleAddress": "+15555550199"},
        DeferActivation=True,
    )
    await stack.sender.slash_command("/incident", "me", people["alice"], people["ops"])
    return await eventually(lambda: ephemeral_blocks(stack, people["alice"], MeAction.ACTIVATE))


def bobs_channel(stack: Stack) -> str:
    found = stack.aws("ssm-contacts").list_contact_channels(ContactId=CONTACT + "bob")
    return str(found["ContactChannels"][0]["ContactChannelArn"])


@scenario(MeAction.EDIT, MeAction.ACTIVATE)
async def me_button(stack: Stack, people: dict[str, str], action_id: str) -> Legit:
    shown = await alice_me(stack, people)
    value = button_value(shown, action_id)
    forged = (bobs_channel(stack), "not-an-arn") if action_id == MeAction.ACTIVATE else ()
    return Legit(people["alice"], value, people["ops"], forged=forged)


async def me_form(stack: Stack, people: dict[str, str], action_id: str, callback: str) -> dict:
    """The form Alice's ``action_id`` button on her ``/incident me`` opens."""
    shown = await alice_me(stack, people)
    value = button_value(shown, action_id)
    return await new_modal(
        stack.slack,
        callback,
        lambda: stack.sender.block_action(people["alice"], action_id, value, people["ops"]),
    )


@scenario(MeAction.PLAN_MODAL)
async def me_plan_saved(stack: Stack, people: dict[str, str], _: str) -> Legit:
    view = await me_form(stack, people, MeAction.EDIT, MeAction.PLAN_MODAL)

    def state(channel: str) -> dict[str, Any]:
        return {
            "channels:0": {
                "me_channels": {"type": "checkboxes", "selected_options": [{"value": channel}]}
            },
            "minutes:0": {"me_minutes": {"type": "plain_text_input", "value": "0"}},
            "retry:0": {"me_retry": {"type": "plain_text_input", "value": ""}},
        }

    inputs = {b.get("block_id"): b for b in view["blocks"]}
    options = inputs["channels:0"]["element"]["options"]
    return Legit(
        people["alice"],
        view_id=view["id"],
        values=state(options[0]["value"]),
        forged_values=(state(bobs_channel(stack)),),
    )


@scenario(MeAction.CODE_MODAL)
async def code_given(stack: Stack, people: dict[str, str], _: str) -> Legit:
    view = await me_form(stack, people, MeAction.ACTIVATE, MeAction.CODE_MODAL)
    typed = {"me_code": {"me_code": {"type": "plain_text_input", "value": "123456"}}}
    chosen = {"me_code": {"me_code": {"type": "static_select", "selected_option": {"value": "1"}}}}
    return Legit(people["alice"], view_id=view["id"], values=typed, forged_values=(chosen,))


# -- on call ---------------------------------------------------------------------------------


@scenario(OncallAction.REMOVE_OVERRIDE)
async def override_listed(stack: Stack, people: dict[str, str], _: str) -> Legit:
    contacts = stack.aws("ssm-contacts")
    schedule = contacts.get_contact(ContactId=CONTACT + "primary-oncall")
    rotation = schedule["Plan"]["RotationIds"][0]
    start = datetime.now(UTC) + timedelta(days=1)
    contacts.create_rotation_override(
        RotationId=rotation,
        NewContactIds=[CONTACT + "alice"],
        StartTime=start,
        EndTime=start + timedelta(hours=8),
    )
    alice = people["alice"]
    await stack.sender.slash_command("/incident", "overrides primary-oncall", alice, people["ops"])
    listed = await eventually(lambda: ephemeral_blocks(stack, alice, OncallAction.REMOVE_OVERRIDE))
    value = button_value(listed, OncallAction.REMOVE_OVERRIDE)
    return Legit(alice, value, people["ops"], forged=(f"{rotation}|no-such-override",))


@scenario(OncallAction.COVER_FOR_ME, OncallAction.WILL_COVER)
async def handed_off(stack: Stack, people: dict[str, str], action_id: str) -> Legit:
    """Bob comes on call for payments in 7 s: his hand-off DM, and the request it asks."""
    daily_schedule(stack, "payments", ["alice", "bob", "carol"], hand_off_in=7)
    bob = people["bob"]
    [dm] = await eventually(
        lambda: [m for m in stack.slack.dms(bob) if "You are on call for" in m.get("text", "")],
        timeout=15,
    )
    value = button_value(dm, OncallAction.COVER_FOR_ME)
    if action_id == OncallAction.COVER_FOR_ME:
        nobody = f"{value.split('|')[0]}|0.0|{CONTACT}nobody"
        return Legit(bob, value, stack.slack.im(bob).id, dm["ts"], forged=(nobody,))
    await stack.sender.press(bob, dm, OncallAction.COVER_FOR_ME)
    [request] = await messages_saying(stack, ONCALL, "asks for cover")
    value = button_value(request, OncallAction.WILL_COVER)
    return Legit(people["alice"], value, ONCALL, request["ts"], forged=("no-such-request",))


# -- the incident's forms --------------------------------------------------------------------


@scenario(Callback.DECLARE_MODAL)
async def declare_submitted(stack: Stack, people: dict[str, str], _: str) -> Legit:
    alice = people["alice"]
    view = await new_modal(
        stack.slack,
        Callback.DECLARE_MODAL,
        lambda: stack.sender.slash_command("/incident", "declare Fine", alice, people["ops"]),
    )
    forged = declare_values("Fine", 2, PLAN_ARN.replace("critical-service", "forged-plan"))
    return Legit(
        alice,
        view_id=view["id"],
        values=declare_values("Fine", 2, PLAN_ARN),
        forged_values=(forged,),
    )


def update_state(impact: str) -> dict[str, Any]:
    return {
        "title_block": {"title": {"type": "plain_text_input", "value": "Hijacked"}},
        "impact_block": {"impact": {"type": "static_select", "selected_option": {"value": impact}}},
        "summary_block": {"summary": {"type": "plain_text_input", "value": None}},
    }


@scenario(Callback.UPDATE_MODAL)
async def update_submitted(stack: Stack, _people: dict[str, str], _: str) -> Legit:
    declared = await declare_incident(stack)
    view = await new_modal(
        stack.slack,
        Callback.UPDATE_MODAL,
        lambda: stack.sender.slash_command("/incident", "update", declared.user, declared.channel),
    )
    return Legit(
        declared.user,
        view_id=view["id"],
        values=update_state("1"),
        forged_values=(update_state("9"),),
    )


def status_state(status: str) -> dict[str, Any]:
    return {
        "status_block": {"status": {"type": "static_select", "selected_option": {"value": status}}},
        "impact_block": {"impact": {"type": "static_select", "selected_option": {"value": "2"}}},
        "what_block": {"what_is_happening": {"type": "plain_text_input", "value": "Hijacked"}},
        "next_update_block": {"next_update_minutes": {"type": "number_input", "value": "15"}},
    }


@scenario(Callback.STATUS_UPDATE_MODAL)
async def status_submitted(stack: Stack, _people: dict[str, str], _: str) -> Legit:
    declared = await declare_incident(stack)
    view = await new_modal(
        stack.slack,
        Callback.STATUS_UPDATE_MODAL,
        lambda: stack.sender.slash_command(
            "/incident", "post-update", declared.user, declared.channel
        ),
    )
    return Legit(
        declared.user,
        view_id=view["id"],
        values=status_state("OPEN"),
        forged_values=(status_state("CLOSED"),),
    )


# -- sending, forged -------------------------------------------------------------------------


async def send(
    stack: Stack,
    surface: str,
    legit: Legit,
    user: str | None = None,
    value: str | None = None,
    metadata: str | None = None,
    values: dict[str, Any] | None = None,
) -> Delivery:
    """The legit press or submission, with one thing changed."""
    user = user or legit.user
    view = dict(stack.slack.views[legit.view_id]) if legit.view_id else None
    if view is not None and metadata is not None:
        view["private_metadata"] = metadata
    if surface in FORMS:
        assert view is not None
        view["state"] = {"values": values if values is not None else legit.values}
        payload = {**stack.sender._base("view_submission", user), "view": view, "response_urls": []}
        return await stack.sender.interaction(payload)
    value = legit.value if value is None else value
    action: dict[str, Any] = {
        "action_id": surface,
        "block_id": legit.block_id,
        "type": "static_select" if legit.select else "button",
        "action_ts": str(time.time()),
    }
    if legit.select:
        action["selected_option"] = {"value": value, "text": {"type": "plain_text", "text": "x"}}
    else:
        action["value"] = value
    payload = {**stack.sender._base("block_actions", user), "actions": [action]}
    if legit.channel:
        channel = stack.slack.channel(legit.channel)
        payload["channel"] = {"id": channel.id, "name": channel.name}
        payload["container"] = {"type": "message", "channel_id": channel.id}
        payload["response_url"] = stack.slack.response_url(channel.id, user)
        if legit.message_ts:
            payload["container"]["message_ts"] = legit.message_ts
            payload["message"] = stack.slack.message(channel.id, legit.message_ts)
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view["id"]}
        payload["view"] = view
    return await stack.sender.interaction(payload)


class Watch:
    """What AWS and Slack see from now on: writes, public posts, and what the sender is told."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.writes: list[str] = []
        call = stack.emulator.emulator.call

        def counted(service: str, operation: str, params: dict[str, Any]) -> Any:
            if not operation.startswith(READS):
                self.writes.append(operation)
            return call(service, operation, params)

        stack.emulator.emulator.call = counted  # type: ignore[method-assign]

    def mark(self) -> tuple[int, int, int, int]:
        fake = self.stack.slack
        return len(self.writes), len(fake.calls), len(fake.ephemerals), len(fake.views)

    def told(self, since: tuple[int, int, int, int], user: str, answer: Delivery) -> list[str]:
        """What ``user`` was told since: ephemerals, DMs, modals, and the HTTP answer."""
        fake = self.stack.slack
        said = [
            e.get("text", "") + json.dumps(e.get("blocks") or [])
            for e in fake.ephemerals[since[2] :]
            if e.get("user") == user
        ]
        for call in fake.calls[since[1] :]:
            if call.method == "chat.postMessage" and call.args.get("channel") in (
                user,
                fake.im(user).id,
            ):
                said.append(call.args.get("text", ""))
            if call.method == "chat.postEphemeral" and call.args.get("user") == user:
                said.append(call.args.get("text", ""))
            if call.method in ("views.open", "views.update"):
                said.append(json.dumps(call.args.get("view")))
        said.append(answer.body)
        return [text for text in said if ":warning:" in text]

    def changes(
        self, since: tuple[int, int, int, int], user: str, view_id: str | None
    ) -> list[str]:
        """AWS writes and what others see in Slack since (a refusal to ``user`` aside)."""
        fake = self.stack.slack
        private = (user, fake.im(user).id)
        seen = [f"AWS {w}" for w in self.writes[since[0] :]]
        for call in fake.calls[since[1] :]:
            if call.method in PUBLIC and not (
                call.method == "chat.postMessage" and call.args.get("channel") in private
            ):
                seen.append(f"Slack {call.method} {call.args.get('channel', '')}")
            if call.method == "views.update" and view_id and call.args.get("view_id") == view_id:
                seen.append(f"Slack views.update of the form {view_id}")
        return seen

    async def quiet(self) -> None:
        """Until neither AWS nor Slack has heard from the bot for half a second."""
        last, since = self.mark(), time.monotonic()
        deadline = since + 20
        while time.monotonic() < deadline:
            await asyncio.sleep(0.1)
            now = self.mark()
            if now[:2] != last[:2]:
                last, since = now, time.monotonic()
            elif time.monotonic() - since > 0.5:
                return
        raise AssertionError("the bot never went quiet")


async def refused(
    watch: Watch,
    stack: Stack,
    surface: str,
    legit: Legit,
    what: str,
    user: str,
    who: bool = False,
    **forged: Any,
) -> None:
    """Sent with ``forged``, it is refused, said to ``user`` (``who``: as not theirs to do),
    and nothing changes in AWS or Slack."""
    since = watch.mark()
    answer = await send(stack, surface, legit, user=user, **forged)
    assert answer.status == 200, (what, answer)
    said = await eventually(lambda: watch.told(since, user, answer), timeout=20)
    await watch.quiet()
    if who:
        assert any("Only " in text or "someone else" in text for text in said), (what, said)
    assert watch.changes(since, user, legit.view_id) == [], (what, said)


# -- the tests -------------------------------------------------------------------------------


def test_every_registered_action_and_form_is_declared_and_has_a_scenario() -> None:
    actions, views = REGISTERED.get("action", set()), REGISTERED.get("view", set())
    assert actions == set(BUTTONS) and views == set(FORMS)
    assert actions | views == set(SCENARIOS), "a new button or form needs its scenario here"
    for declared in [*BUTTONS.values(), *FORMS.values()]:
        who: Who[Any] = declared.who
        assert len(who.says) > 10, declared  # who may, said so a person can read it


def who_of(surface: str) -> Who[Any]:
    return (BUTTONS.get(surface) or FORMS[surface]).who


@pytest.mark.parametrize("bot_settings", sorted(SCENARIOS), indirect=True, ids=str)
async def test_a_claim_that_does_not_hold_is_refused_and_changes_nothing(
    stack: Stack,
    people: dict[str, str],
    bot_settings: dict[str, Any],
    request: pytest.FixtureRequest,
) -> None:
    surface = request.node.callspec.params["bot_settings"]
    legit = await SCENARIOS[surface](stack, people)
    watch = Watch(stack)
    await watch.quiet()

    for value in legit.forged:
        await refused(watch, stack, surface, legit, f"value {value!r}", legit.user, value=value)
    for values in legit.forged_values:
        await refused(
            watch, stack, surface, legit, "a choice never offered", legit.user, values=values
        )
    if legit.view_id:
        forged = json.dumps({"arn": PLAN, "channel": people["ops"], "rows": 1})
        for metadata in (forged, "", "not json"):
            what = f"private_metadata {metadata!r}"
            await refused(watch, stack, surface, legit, what, legit.user, metadata=metadata)
    assert legit.forged or legit.forged_values or surface == MeAction.EDIT  # its value is unread

    who = who_of(surface)
    if who.anyone:  # anyone may press it: their own subject, or consent, as declared
        assert "anyone" in who.says
        return
    await refused(watch, stack, surface, legit, "another person", people["mallory"], who=True)
