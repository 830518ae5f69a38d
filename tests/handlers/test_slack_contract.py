"""The contract with Slack: every surface the bot registers (each ``/incident`` subcommand, button,
menu, shortcut, form, event and the Home tab), driven with content at AWS's own maximums (read
from botocore's models where they set one) through the local Slack, which refuses and truncates
as Slack does. Any refused call (``ok: false``), refused response URL or truncation warning fails.

The surfaces are read from what the bot registers (as ``tests/test_manifest.py`` does): one
registered without a driver here fails ``test_every_registered_surface_is_driven``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import botocore.session
import pytest

from bot.slack.pacing import MARGIN_SECONDS
from emulator.slack.web_api import Call
from handlers.commands import subcommands
from tests.oncall.conftest import DAILY_AT_NINE
from tests.support import (
    DECLARE_MODAL,
    PLAN_ARN,
    Stack,
    declare_values,
    eventually,
    new_modal,
)
from tests.test_manifest import registered

ADMINS = "SADMINS01"
ONCALL = "CONCALL01"
ANNOUNCE = "CANNOUNCE1"
ACCOUNT = "arn:aws:ssm-contacts:us-east-1:111122223333"

# Answers that are what the bot asked to know, not refusals: a person without a Slack user
LOOKUPS = {("users.lookupByEmail", "users_not_found")}


@cache
def _models() -> dict[str, Any]:
    session = botocore.session.get_session()
    return {name: session.get_service_model(name) for name in ("ssm-contacts", "ssm-incidents")}


def most(service: str, shape: str) -> int:
    """A shape's maximum length (or count), as botocore's model of ``service`` sets it."""
    return int(_models()[service].shape_for(shape).metadata["max"])


def pattern_chars(service: str, shape: str) -> str:
    """Every character a shape's pattern allows, where it spells them out (``[a-z0-9_\\-]``):
    its ranges expanded; Unicode classes (``\\p{L}``) by samples of several scripts."""
    pattern = _models()[service].shape_for(shape).metadata["pattern"]
    body = re.search(r"\[(.*)\]", pattern)
    assert body is not None, pattern
    samples = {
        r"\p{L}": "AzÉßЖж漢字ᄀאع",
        r"\p{Z}": " \u00a0\u3000",
        r"\p{N}": "09٣Ⅻ",
        r"\s": " ",
    }
    spec, chars = body.group(1), []
    for sample, kinds in samples.items():
        if sample in spec:
            chars.append(kinds)
            spec = spec.replace(sample, "")
    for start, end in re.findall(r"(\w)-(\w)", spec):
        chars.append("".join(map(chr, range(ord(start), ord(end) + 1))))
        spec = spec.replace(f"{start}-{end}", "")
    chars.append(spec.replace("\\", ""))
    return "".join(chars)


def maximal(prefix: str, chars: str, length: int) -> str:
    """``prefix``, then ``chars`` over and over, ``length`` characters in all."""
    return (prefix + "".join(itertools.islice(itertools.cycle(chars), length)))[:length]


# Text people write: Slack's markup characters, mentions and links spelled out, emoji, scripts
WRITTEN = "<!channel> & <@U0TEAM|x> *bold* _it_ ~s~ `code` <https://evil.example|Ack> 😀 é 漢 "


@dataclass
class World:
    """The incident, contacts, plans and people at AWS's maximums, as the drivers share them."""

    stack: Stack
    dana: str  # an admin and the declarer
    ops: str  # where she works
    channel: str = ""  # the incident's
    arn: str = ""
    card_ts: str = ""
    person: str = ""  # a personal contact's alias (dana's)
    others: list[str] = field(default_factory=list)  # more personal contacts
    schedule: str = ""  # an on-call schedule of as many rotations as AWS allows
    big_plan: str = ""  # an escalation plan too large for one Slack form
    plan: str = ""  # one a form holds
    form: dict[str, Any] = field(default_factory=dict)  # the plan form, open
    notes: dict[str, str] = field(default_factory=dict)  # what a driver left for another

    @property
    def slack(self) -> Any:
        return self.stack.slack

    def aws(self, service: str = "ssm-incidents") -> Any:
        return self.stack.aws(service)


def alias_of(n: int) -> str:
    return maximal(
        f"c{n:02d}-",
        pattern_chars("ssm-contacts", "ContactAlias"),
        most("ssm-contacts", "ContactAlias"),
    )


def name_of(n: int) -> str:
    return maximal(
        f"N{n:02d} ",
        pattern_chars("ssm-contacts", "ContactName"),
        most("ssm-contacts", "ContactName"),
    )


def contact_arn(alias: str) -> str:
    return f"{ACCOUNT}:contact/{alias}"


async def build(stack: Stack) -> World:
    """Contacts, rotations, a schedule, plans and an incident, each at AWS's maximums."""
    dana = stack.slack.add_user("dana", email="dana@example.com")
    stack.slack.usergroups[ADMINS] = [dana]
    stack.slack.add_channel("oncall", members=["UBOT0INCIDENT", dana], channel_id=ONCALL)
    stack.slack.add_channel("announce", members=["UBOT0INCIDENT"], channel_id=ANNOUNCE)
    world = World(stack, dana, stack.slack.add_channel("ops", members=[dana]))
    contacts = world.aws("ssm-contacts")
    people = most("ssm-contacts", "RotationContactsArnList")  # 30: a rotation's most
    for n in range(people):
        alias = alias_of(n)
        contacts.create_contact(
            Alias=alias, DisplayName=name_of(n), Type="PERSONAL", Plan={"Stages": []}
        )
        email = f"{'dana' if n == 0 else f'p{n}'}@example.com"
        if n:
            stack.slack.add_user(f"p{n}", email=email)
        for kind, address in (("EMAIL", email), ("SMS", f"+1555555{n:04d}")):
            contacts.create_contact_channel(
                ContactId=contact_arn(alias),
                Name=maximal(
                    f"{kind}-",
                    pattern_chars("ssm-contacts", "ChannelName"),
                    most("ssm-contacts", "ChannelName"),
                ),
                Type=kind,
                DeliveryAddress={"SimpleAddress": address},
                DeferActivation=True,
            )
    world.person, world.others = alias_of(0), [alias_of(n) for n in range(1, people)]
    rotation_name = pattern_chars("ssm-contacts", "RotationName")
    rotations = []
    for n in range(most("ssm-contacts", "SsmContactsArnList")):  # a schedule's most rotations
        rotations.append(
            contacts.create_rotation(
                Name=maximal(f"r{n:02d} ", rotation_name, most("ssm-contacts", "RotationName")),
                ContactIds=[contact_arn(alias_of(p)) for p in range(people)],
                StartTime=datetime.now(UTC) - timedelta(days=1),
                TimeZoneId="UTC",
                Recurrence=DAILY_AT_NINE,
            )["RotationArn"]
        )
    world.schedule = maximal("s-", "schedule", most("ssm-contacts", "ContactAlias"))
    contacts.create_contact(
        Alias=world.schedule,
        DisplayName=name_of(98),
        Type="ONCALL_SCHEDULE",
        Plan={"RotationIds": rotations},
    )

    def stages(count: int, targets: int, minutes: int) -> list[dict[str, Any]]:
        return [
            {
                "DurationInMinutes": minutes,
                "Targets": [
                    {
                        "ContactTargetInfo": {
                            "ContactId": contact_arn(alias_of((s * targets + t) % people)),
                            "IsEssential": t % 2 == 0,
                        }
                    }
                    for t in range(targets)
                ],
            }
            for s in range(count)
        ]

    # botocore sets no most stages nor targets: ten of ten is more than one form holds
    world.big_plan = maximal("b-", "big", most("ssm-contacts", "ContactAlias"))
    contacts.create_contact(
        Alias=world.big_plan,
        DisplayName=name_of(97),
        Type="ESCALATION",
        Plan={"Stages": stages(10, 10, most("ssm-contacts", "StageDurationInMins"))},
    )
    world.plan = maximal("e-", "plan", most("ssm-contacts", "ContactAlias"))
    contacts.create_contact(
        Alias=world.plan,
        DisplayName=name_of(96),
        Type="ESCALATION",
        Plan={"Stages": stages(3, 3, 0)},  # runs out at once
    )
    await stack.services.people.link(dana, world.person, admin="the contract test")
    return world


# -- what the local Slack said ------------------------------------------------------------------


def refusals(calls: list[Call]) -> list[str]:
    """Each call Slack refused or truncated, as ``method: error`` (a response URL that refused
    answers with an error too)."""
    said = []
    for call in calls:
        answer = call.response
        if answer.get("warning"):
            said.append(f"{call.method}: warned {answer['warning']}")
        if answer.get("ok", True) is False and (call.method, answer.get("error")) not in LOOKUPS:
            said.append(f"{call.method}: {answer.get('error') or answer}")
    return said


# A post the bot's pacer holds for its channel's one a second goes out within this: a group of
# surfaces is done once Slack has heard nothing from the bot for as long.
QUIET = 1.0 + MARGIN_SECONDS


async def settled(world: World, since: int, most: float = 30) -> None:
    """Until the bot has made a Slack call since ``since`` and then none for ``QUIET`` seconds
    (it works after its ack): the proof that nothing more comes."""
    deadline = time.monotonic() + most
    seen, quiet_since = -1, time.monotonic()
    while time.monotonic() < deadline:
        count = len(world.slack.calls)
        if count != seen:
            seen, quiet_since = count, time.monotonic()
        elif count > since and time.monotonic() - quiet_since >= QUIET:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the bot was still calling Slack after {most}s")


Driver = Callable[[World], Awaitable[Any]]
DRIVERS: dict[tuple[str, str], Driver] = {}  # each surface's; ``GROUPS`` runs them


def drives(kind: str, *keys: str) -> Callable[[Driver], Driver]:
    """Register a driver for registered surfaces ``(kind, key)``; a command's key is its
    subcommand."""

    def register(driver: Driver) -> Driver:
        for key in keys:
            DRIVERS[(kind, key)] = driver
        return driver

    return register


def surfaces() -> set[tuple[str, str]]:
    """Every surface the bot registers: ``/incident``'s subcommands one by one."""
    found = {
        (kind, key)
        for kind, keys in registered().items()
        if kind != "middleware"  # the bot's own plumbing, no surface a person sees
        for key in keys
    }
    found -= {("command", "/incident")}
    return found | {("command", sub.name) for sub in subcommands()}


def test_every_registered_surface_is_driven() -> None:
    assert surfaces() - set(DRIVERS) == set()
    assert set(DRIVERS) - surfaces() == set()
    grouped = [driver for drivers in GROUPS.values() for driver in drivers]
    assert set(DRIVERS.values()) - set(grouped) == set(), "a driver in no group is never run"


async def command(world: World, text: str, user: str | None = None) -> None:
    await world.stack.sender.slash_command(
        "/incident", text, user or world.dana, world.channel or world.ops
    )


async def ask(world: World, text: str, expect: str = "", user: str | None = None) -> dict:
    """``/incident <text>``, and the answer (containing ``expect``)."""
    mark = len(world.slack.calls)
    await command(world, text, user)
    return await answered(world, mark, expect)


def title_max() -> str:
    return maximal("T ", WRITTEN, most("ssm-incidents", "IncidentTitle"))


def summary_max() -> str:
    lines = (f"{n:03d} {WRITTEN * 2}\n" for n in itertools.count())
    return "".join(itertools.islice(lines, 200))[: most("ssm-incidents", "IncidentSummary")]


def url_max(n: int) -> str:
    return maximal(f"https://example.com/{n:03d}/", "abc/-_.~%20", most("ssm-incidents", "Url"))


def answers(world: World, since: int) -> list[dict[str, Any]]:
    """What the bot answered people since ``since``: response URLs and ephemerals' arguments."""
    return [
        call.args
        for call in world.slack.calls[since:]
        if call.method in ("response_url", "chat.postEphemeral") and call.response.get("ok")
    ]


def buttons(blocks: list[dict[str, Any]], action_id: str) -> list[dict[str, Any]]:
    return [
        element
        for block in blocks
        for element in [*block.get("elements", []), block.get("accessory") or {}]
        if element.get("action_id") == action_id
    ]


def message_with(world: World, channel: str, action_id: str) -> dict[str, Any] | None:
    """The newest message in ``channel`` with an ``action_id`` button."""
    found = [m for m in world.slack.messages(channel) if buttons(m.get("blocks", []), action_id)]
    return found[-1] if found else None


# The local Slack paces like Slack: a surface may wait its turn behind the sync's channels and
# the other surfaces' calls at their tiers, more so on a loaded machine.
PACED = 30.0


async def called(world: World, since: int, method: str, timeout: float = PACED) -> None:
    """Until the bot has called ``method`` since ``since``."""
    await eventually(lambda: any(c.method == method for c in world.slack.calls[since:]), timeout)


async def answered(world: World, since: int, what: str = "") -> dict[str, Any]:
    """The first answer since ``since`` (containing ``what``)."""
    try:
        found = await eventually(
            lambda: [a for a in answers(world, since) if what in (a.get("text") or "")], PACED
        )
    except AssertionError:
        calls = [(c.method, c.response, str(c.args)[:300]) for c in world.slack.calls[since:]]
        raise AssertionError(f"no answer with {what!r}; Slack was called: {calls}") from None
    return found[0]


async def form(world: World, callback: str, open_it: Callable[[], Awaitable[Any]]) -> dict:
    try:
        return await new_modal(world.slack, callback, open_it)
    except AssertionError:
        shown = [str(v["blocks"])[:600] for v in world.slack.views_opened()[-2:]]
        raise AssertionError(f"no {callback} form opened; the last modals: {shown}") from None


def shown_values(view: dict[str, Any]) -> dict[str, Any]:
    """A form's state as Slack sends it when submitted as it was shown."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        element = block.get("element") or {}
        if block["type"] != "input":
            continue
        kind, action = element["type"], element["action_id"]
        if kind == "plain_text_input" or kind == "number_input":
            state = {"value": element.get("initial_value")}
        elif kind in ("static_select",):
            state = {"selected_option": element.get("initial_option")}
        else:
            state = {"selected_options": element.get("initial_options") or []}
        values[block["block_id"]] = {action: {"type": kind, **state}}
    return values


# -- the drivers ----------------------------------------------------------------------------------


@drives("command", "help")
async def help_(world: World) -> None:
    await ask(world, "help", "incident-bot commands")


@drives("command", "declare")
@drives("view", DECLARE_MODAL)
async def declare(world: World) -> None:
    """Declared through the form with the longest title and summary AWS takes."""
    title, summary = title_max(), summary_max()
    view = await form(world, DECLARE_MODAL, lambda: command(world, f"declare {title}"))
    values = declare_values(title, 1, PLAN_ARN)
    parts = [
        b["block_id"] for b in view["blocks"] if b.get("block_id", "").startswith("summary_block")
    ]
    assert len(parts) == 1  # a short form: more inputs come as a summary needs them
    values["summary_block"] = {"summary": {"type": "plain_text_input", "value": summary[:3000]}}
    response = await world.stack.sender.view_submission(world.dana, view["id"], values)
    assert response.status == 200
    await eventually(
        lambda: any(
            "Declared *" in e.get("text", "") for e in world.slack.ephemerals_for(world.dana)
        ),
        timeout=30,
    )
    [incident] = await world.stack.services.incidents.list("open")
    world.arn = incident.arn
    world.channel, world.card_ts = await eventually(lambda: _card(world))
    await grown_summary(world, summary)
    record = world.aws().get_incident_record(arn=world.arn)["incidentRecord"]
    assert (record["title"], record["summary"]) == (title, summary)
    await related_and_timeline(world)


async def grown_summary(world: World, summary: str) -> None:
    """The summary typed on through the update form, as a person does past the declare form's
    one input: each time the form shows one more input, up to AWS's limit."""
    while (held := world.aws().get_incident_record(arn=world.arn)["incidentRecord"]["summary"]) != (
        summary
    ):
        view = await form(world, "update_incident_modal", lambda: command(world, "update"))
        values = shown_values(view)
        boxes = [b for b in values if b.startswith("summary_block")]
        assert 3000 * len(boxes) > len(held)  # room to type on
        for index, box in enumerate(boxes):
            part = summary[index * 3000 : (index + 1) * 3000]
            values[box] = {"summary": {"type": "plain_text_input", "value": part or None}}
        await world.stack.sender.view_submission(world.dana, view["id"], values)
        grown = summary[: 3000 * len(boxes)]
        await eventually(
            lambda grown=grown: (
                world.aws().get_incident_record(arn=world.arn)["incidentRecord"]["summary"] == grown
            )
        )


async def _card(world: World) -> tuple[str, str] | None:
    """The incident's channel and card, once both exist."""
    row = await world.stack.services.incidents.channel_row(world.arn)
    return (row.channel_id, row.card_ts) if row and row.channel_id and row.card_ts else None


async def related_and_timeline(world: World) -> None:
    """More related items than one answer shows, and more timeline events, each at its most."""
    aws = world.aws()
    for n in range(60):
        value = (
            {"url": url_max(n)}
            if n % 2
            else {
                "arn": maximal(
                    f"arn:aws:ec2:us-east-1:111122223333:instance/i-{n:03d}",
                    "0123456789abcdef",
                    most("ssm-incidents", "Arn"),
                )
            }
        )
        aws.update_related_items(
            incidentRecordArn=world.arn,
            relatedItemsUpdate={
                "itemToAdd": {
                    "identifier": {
                        "type": "OTHER" if n % 2 else "INVOLVED_RESOURCE",
                        "value": value,
                    },
                    "title": maximal(
                        f"{n:03d} ", WRITTEN, most("ssm-incidents", "RelatedItemTitleString")
                    ),
                }
            },
        )
    for n in range(110):
        aws.create_timeline_event(
            incidentRecordArn=world.arn,
            eventTime=datetime.now(UTC),
            eventType="Custom Event",
            eventData=maximal(f"{n:03d} ", WRITTEN, most("ssm-incidents", "EventData")),
        )


@drives("command", "status")
async def status(world: World) -> None:
    await ask(world, "status", "Incident:")


@drives("command", "update")
@drives("view", "update_incident_modal")
async def update(world: World) -> None:
    view = await form(world, "update_incident_modal", lambda: command(world, "update"))
    parts = [b for b in view["blocks"] if b.get("block_id", "").startswith("summary_block")]
    assert len(parts) == 3  # the whole 8,000 characters, over three inputs
    values = shown_values(view)
    values["impact_block"]["impact"]["selected_option"] = {"value": "2"}
    await world.stack.sender.view_submission(world.dana, view["id"], values)
    await eventually(
        lambda: world.aws().get_incident_record(arn=world.arn)["incidentRecord"]["impact"] == 2
    )


@drives("command", "title")
async def title(world: World) -> None:
    await ask(world, f"title {title_max()[::-1].strip()}", "Title is now")


@drives("command", "impact")
async def impact(world: World) -> None:
    await ask(world, "impact 1", "Impact set to 1")


@drives("command", "summary")
async def summary(world: World) -> None:
    await ask(world, f"summary {summary_max()[::-1]}", "Summary updated")


@drives("command", "link")
async def link(world: World) -> None:
    mark = len(world.slack.calls)
    title = maximal("", WRITTEN, most("ssm-incidents", "RelatedItemTitleString"))
    await command(world, f"link {url_max(999)} {title}")
    await answered(world, mark, "linked")


@drives("command", "links")
async def links(world: World) -> None:
    said = await ask(world, "links", "Related items")
    assert re.search(r"…and \d+ more — ", said["text"])  # 61 items of 1,000 characters


@drives("command", "unlink")
@drives("action", "incident_unlink")
async def unlink(world: World) -> None:
    mark = len(world.slack.calls)
    await command(world, "unlink")
    picker = (await answered(world, mark, "Choose an item"))["blocks"][-1]
    option = picker["elements"][0]["options"][-1]
    mark = len(world.slack.calls)
    await world.stack.sender.block_action(
        world.dana,
        "incident_unlink",
        channel_id=world.channel,
        block_id=picker["block_id"],
        selected_option=option,
    )
    await answered(world, mark, "Removed")


@drives("command", "note")
async def note(world: World) -> None:
    await ask(world, f"note {maximal('', WRITTEN, 11_000)}", "Added to the timeline")


@drives("command", "timeline")
async def timeline(world: World) -> None:
    said = await ask(world, "timeline 50", "Timeline of")
    assert "…and " in said["text"] or said["text"].count("\n") == 50


@drives("command", "role")
async def role(world: World) -> None:
    helper = next(u for u, info in world.slack.users.items() if info["name"] == "p1")
    await command(world, f"role commander <@{helper}>")
    await eventually(
        lambda: any(
            "the *commander*" in m.get("text", "") for m in world.slack.messages(world.channel)
        )
    )
    await ask(world, "role", "commander")


@drives("command", "list")
async def list_(world: World) -> None:
    aws = world.aws()
    for n in range(45):
        aws.start_incident(
            responsePlanArn=PLAN_ARN,
            title=maximal(f"{n:02d} ", WRITTEN, 200),
            clientToken=f"many-{n}",
        )
    await ask(world, "list all", "All incidents")


@drives("action", "incident_pick")
async def pick(world: World) -> None:
    mark = len(world.slack.calls)
    await world.stack.sender.slash_command("/incident", "status", world.dana, world.ops)
    picker = await eventually(lambda: [a for a in answers(world, mark) if a.get("blocks")])
    menu = picker[0]["blocks"][-1]
    option = next(
        o for o in menu["elements"][0]["options"] if o["value"] == world.arn.rsplit("/", 1)[-1]
    )
    mark = len(world.slack.calls)
    await world.stack.sender.block_action(
        world.dana,
        "incident_pick",
        block_id=menu["block_id"],
        selected_option=option,
        channel_id=world.ops,
    )
    await answered(world, mark, "Incident:")


def user_named(world: World, name: str) -> str:
    return next(u for u, info in world.slack.users.items() if info["name"] == name)


def paged_dms(world: World, action_id: str) -> list[tuple[str, dict[str, Any]]]:
    """(user, DM) for each DM of a page still showing ``action_id``."""
    found = []
    for user, info in world.slack.users.items():
        if not info["name"].startswith("p"):
            continue
        for message in world.slack.dms(user) if _has_dm(world, user) else []:
            if buttons(message.get("blocks", []), action_id):
                found.append((user, message))
    return found


def _has_dm(world: World, user: str) -> bool:
    return any(c.is_im and c.name == user for c in world.slack.channels.values())


@drives("command", "page")
async def page(world: World) -> None:
    """The plan too large for a form: ten stages of ten people with the longest names."""
    await ask(world, f"page {world.big_plan}", "Paging")
    # the first stage pages nine of the people (its tenth target is dana, who has no DM here):
    # the tenth DM comes when the second stage starts, a stage's minutes later
    stage = most("ssm-contacts", "StageDurationInMins") * TIME_SCALE
    await eventually(lambda: len(paged_dms(world, "page_acknowledge")) >= 10, stage + PACED)


@drives("command", "pages")
async def pages(world: World) -> None:
    await ask(world, "pages", "Open escalations")


@drives("action", "page_escalate_now")
async def escalate_now(world: World) -> None:
    user, message = paged_dms(world, "page_escalate_now")[0]
    before = len(paged_dms(world, "page_acknowledge"))
    await world.stack.sender.press(user, message, "page_escalate_now")
    await eventually(lambda: len(paged_dms(world, "page_acknowledge")) > before, timeout=30)


@drives("action", "page_acknowledge")
async def acknowledge(world: World) -> None:
    user, message = paged_dms(world, "page_acknowledge")[0]
    await world.stack.sender.press(user, message, "page_acknowledge")
    await eventually(
        lambda: (
            not buttons(
                world.slack.message(message["channel"], message["ts"])["blocks"], "page_acknowledge"
            )
            if "channel" in message
            else all(m["ts"] != message["ts"] for _, m in paged_dms(world, "page_acknowledge"))
        ),
        timeout=30,
    )


@drives("action", "page_again")
async def page_again(world: World) -> None:
    """The plan a form holds runs out (three stages of the longest minutes, sped up)."""
    await ask(world, f"page {world.plan}", "Paging")
    exhausted = await eventually(
        lambda: [
            m
            for m in world.slack.messages(world.channel)
            if buttons(m.get("blocks", []), "page_again")
        ],
        timeout=60,
    )
    mark = len(world.slack.calls)
    await world.stack.sender.press(world.dana, exhausted[-1], "page_again", world.channel)
    await called(world, mark, "chat.postMessage")


@drives("command", "stop-paging")
async def stop_paging(world: World) -> None:
    await ask(world, "stop-paging", "Stopped")


@drives("command", "whois")
async def whois(world: World) -> None:
    for who in (world.others[0], world.big_plan, world.schedule, f"<@{world.dana}>"):
        await ask(world, f"whois {who}", "")


@drives("command", "plan")
@drives("action", "plan_edit")
async def plan(world: World) -> None:
    """The plan too large for a form is shown, and its form says so; the other one opens."""
    shown = await ask(world, f"plan {world.big_plan}", "Escalation plan")
    edit = buttons(shown["blocks"], "plan_edit")[0]
    await world.stack.sender.block_action(
        world.dana, "plan_edit", edit["value"], channel_id=world.channel
    )
    said = await eventually(
        lambda: [v for v in world.slack.modals("incident_message_modal") if "more than" in str(v)]
    )
    assert said
    world.form = await form(
        world, "plan_edit_modal", lambda: command(world, f"plan {world.plan} edit")
    )


async def act(world: World, action: str, **how: Any) -> None:
    """Press (or choose) ``action`` in the open plan form; the form as it shows afterwards."""
    view = world.form
    await world.stack.sender.block_action(world.dana, action, view_id=view["id"], **how)
    world.form = await eventually(
        lambda: (
            view["id"] in world.slack.views
            and world.slack.views[view["id"]]["hash"] != view["hash"]
            and world.slack.views[view["id"]]
        )
    )


@drives("action", "plan_stage_menu")
async def stage_menu(world: World) -> None:
    await act(world, "plan_stage_menu", selected_option={"value": "down:0"})


@drives("action", "plan_remove_target")
async def remove_target(world: World) -> None:
    await act(world, "plan_remove_target", value="0:0")


@drives("action", "plan_add_stage")
async def add_stage(world: World) -> None:
    await act(world, "plan_add_stage", value="add")


@drives("options", "plan_add_target")
@drives("action", "plan_add_target")
async def add_target(world: World) -> None:
    sender = world.stack.sender
    suggested = await sender.interaction(
        {
            **sender._base("block_suggestion", world.dana),
            "action_id": "plan_add_target",
            "block_id": next(
                b["block_id"]
                for b in world.form["blocks"]
                if b.get("block_id", "").startswith("add:")
            ),
            "value": "c",
            "view": world.form,
        }
    )
    options = suggested.json()["options"]
    assert options and all(len(o["value"]) <= 150 and len(o["text"]["text"]) <= 75 for o in options)
    block = [
        b["block_id"] for b in world.form["blocks"] if b.get("block_id", "").startswith("add:")
    ][-1]
    await act(world, "plan_add_target", block_id=block, selected_option=options[-1])


@drives("view", "plan_edit_modal")
async def plan_saved(world: World) -> None:
    values = shown_values(world.form)
    for block, state in values.items():
        if block.startswith("minutes:"):
            state["plan_minutes"]["value"] = "30"
    mark = len(world.slack.calls)
    await world.stack.sender.view_submission(world.dana, world.form["id"], values)
    await answered(world, mark, "Saved the escalation plan")


@drives("command", "me")
@drives("action", "me_edit")
@drives("view", "me_plan_modal")
async def me(world: World) -> None:
    await ask(world, "me", "Your contact")
    view = await form(
        world,
        "me_plan_modal",
        lambda: world.stack.sender.block_action(
            world.dana, "me_edit", "edit", channel_id=world.ops
        ),
    )
    values = shown_values(view)
    first = next(b for b in view["blocks"] if b.get("block_id") == "channels:0")["element"][
        "options"
    ]
    values["channels:0"]["me_channels"]["selected_options"] = first[:1]
    values["minutes:0"]["me_minutes"]["value"] = "30"
    mark = len(world.slack.calls)
    await world.stack.sender.view_submission(world.dana, view["id"], values)
    await answered(world, mark, "Saved your paging plan")


@drives("action", "me_activate")
@drives("view", "me_code_modal")
async def activate(world: World) -> None:
    shown = await ask(world, "me", "Your contact")
    channel = buttons(shown["blocks"], "me_activate")[0]["value"]
    view = await form(
        world,
        "me_code_modal",
        lambda: world.stack.sender.block_action(
            world.dana, "me_activate", channel, channel_id=world.ops
        ),
    )
    sent = [m for m in world.stack.emulator.outbox() if m.get("contact_channel_arn") == channel]
    typed = {
        "me_code": {"me_code": {"type": "plain_text_input", "value": sent[-1]["activation_code"]}}
    }
    mark = len(world.slack.calls)
    await world.stack.sender.view_submission(world.dana, view["id"], typed)
    await eventually(  # the verdict is said in the form itself
        lambda: [
            c
            for c in world.slack.calls[mark:]
            if c.method == "views.update" and "is activated" in json.dumps(c.args["view"])
        ]
    )


@drives("command", "link-me")
async def link_me(world: World) -> None:
    await ask(world, f"link-me {world.others[-1]}", "", user=user_named(world, "p29"))


@drives("command", "oncall")
async def oncall(world: World) -> None:
    for which in ("", world.schedule, world.big_plan):
        await ask(world, f"oncall {which}".strip(), "")


@drives("command", "cover")
async def cover(world: World) -> None:
    await ask(world, f"cover {world.schedule} tomorrow 10:00 +2h", "covers")


@drives("command", "overrides")
@drives("action", "oncall_remove_override")
async def overrides(world: World) -> None:
    """More overrides than a message's blocks, each of as many people as AWS allows."""
    contacts = world.aws("ssm-contacts")
    rotation = contacts.get_contact(ContactId=contact_arn(world.schedule))["Plan"]["RotationIds"][0]
    start = datetime.now(UTC) + timedelta(days=3)
    people = most("ssm-contacts", "RotationOverrideContactsArnList")
    for n in range(60):
        contacts.create_rotation_override(
            RotationId=rotation,
            NewContactIds=[contact_arn(alias_of(p)) for p in range(people)],
            StartTime=start + timedelta(hours=n),
            EndTime=start + timedelta(hours=n, minutes=30),
        )
    shown = await ask(world, f"overrides {world.schedule}", "Overrides of")
    remove = buttons(shown["blocks"], "oncall_remove_override")[0]
    mark = len(world.slack.calls)
    await world.stack.sender.block_action(
        world.dana, "oncall_remove_override", remove["value"], channel_id=world.channel
    )
    await answered(world, mark, "")


@drives("action", "oncall_cover_for_me")
@drives("action", "oncall_will_cover")
async def cover_for_me(world: World) -> None:
    """A hand-off DM (the next shift is within the notice) and its request for cover."""
    handoffs = await eventually(lambda: paged_dms(world, "oncall_cover_for_me"), timeout=30)
    user, message = handoffs[0]
    await world.stack.sender.press(user, message, "oncall_cover_for_me")
    request = await eventually(lambda: message_with(world, ONCALL, "oncall_will_cover"))
    mark = len(world.slack.calls)
    await world.stack.sender.press(world.dana, request, "oncall_will_cover", channel_id=ONCALL)
    await called(world, mark, "chat.update")


@drives("command", "post-update")
@drives("view", "status_update_modal")
@drives("action", "incident_post_update")
async def post_update(world: World) -> None:
    view = await form(world, "status_update_modal", lambda: command(world, "post-update"))
    values = shown_values(view)
    values["what_block"]["what_is_happening"]["value"] = maximal("", WRITTEN, 3000)
    mark = len(world.slack.calls)
    await world.stack.sender.view_submission(world.dana, view["id"], values)
    await called(world, mark, "chat.postMessage")
    card = world.slack.message(world.channel, world.card_ts)
    await form(
        world,
        "status_update_modal",
        lambda: world.stack.sender.press(world.dana, card, "incident_post_update", world.channel),
    )


@drives("command", "resolve")
@drives("action", "incident_export")
async def resolve(world: World) -> None:
    await ask(world, f"resolve {maximal('', WRITTEN, 11_000)}", "resolved")
    offer = await eventually(lambda: message_with(world, world.channel, "incident_export"))
    mark = len(world.slack.calls)
    await world.stack.sender.press(world.dana, offer, "incident_export", world.channel)
    await called(world, mark, "canvases.create")


@drives("command", "export")
async def export(world: World) -> None:
    await ask(world, "export", "")


@drives("command", "reopen")
async def reopen(world: World) -> None:
    await ask(world, "reopen", "reopened")


@drives("action", "incident_resolve")
@drives("action", "incident_reopen")
@drives("action", "incident_update")
async def card_buttons(world: World) -> None:
    for action in ("incident_resolve", "incident_reopen"):
        card = world.slack.message(world.channel, world.card_ts)
        offer = message_with(world, world.channel, "incident_archive_channel")
        mark = len(world.slack.calls)
        await world.stack.sender.press(world.dana, card, action, world.channel)
        await called(world, mark, "chat.update")
        if action == "incident_resolve":  # its offer posted, before a reopening makes it stale
            await eventually(
                lambda offer=offer: (
                    message_with(world, world.channel, "incident_archive_channel") != offer
                ),
                PACED,
            )
    card = world.slack.message(world.channel, world.card_ts)
    await form(
        world,
        "update_incident_modal",
        lambda: world.stack.sender.press(world.dana, card, "incident_update", world.channel),
    )


def long_message(world: World) -> str:
    """A person's message as long as Slack takes, with more links than an incident holds."""
    links = " ".join(f"https://example.com/shared/{n:03d}" for n in range(120))
    text = f"{links} {WRITTEN * 600}"[:40_000]
    return world.slack.user_posts(world.channel, world.dana, text)


@drives("shortcut", "declare_incident")
async def declare_from_message(world: World) -> None:
    ts = long_message(world)
    view = await form(
        world,
        DECLARE_MODAL,
        lambda: world.stack.sender.message_shortcut(
            "declare_incident", world.dana, world.channel, ts
        ),
    )
    parts = [b for b in view["blocks"] if b.get("block_id", "").startswith("summary_block")]
    assert len(parts) == 3  # the message's first 8,000 characters, over three inputs


@drives("shortcut", "add_to_timeline")
async def add_to_timeline(world: World) -> None:
    ts = long_message(world)
    mark = len(world.slack.calls)
    await world.stack.sender.message_shortcut("add_to_timeline", world.dana, world.channel, ts)
    await answered(world, mark, "")


@drives("shortcut", "add_links_to_incident")
async def add_links(world: World) -> None:
    ts = long_message(world)
    mark = len(world.slack.calls)
    await world.stack.sender.message_shortcut(
        "add_links_to_incident", world.dana, world.channel, ts
    )
    await answered(world, mark, "")


@drives("event", "reaction_added")
@drives("event", "message")
async def pushpin_and_edit(world: World) -> None:
    ts = long_message(world)
    mark = len(world.slack.calls)
    await world.stack.sender.reaction_added(world.dana, world.channel, ts, "pushpin")
    await answered(world, mark, "")  # on the timeline: the answer comes after
    await world.stack.sender.message_changed(world.channel, ts, f"edited {WRITTEN * 1000}"[:40_000])


@drives("event", "app_home_opened")
async def home(world: World) -> None:
    for user in (world.dana, *[u for u, _ in paged_dms(world, "page_acknowledge")][:1]):
        mark = len(world.slack.calls)
        await world.stack.sender.home_opened(user)
        await called(world, mark, "views.publish")


@drives("action", "incident_archive_channel")
async def archive(world: World) -> None:
    """The offer of the incident's last resolution (the card's buttons reopened it since, and an
    offer from before a reopening is refused)."""
    before = message_with(world, world.channel, "incident_archive_channel")
    await ask(world, "resolve", "resolved")
    offer = await eventually(
        lambda: (
            (m := message_with(world, world.channel, "incident_archive_channel")) != before and m
        )
    )
    mark = len(world.slack.calls)
    await world.stack.sender.press(world.dana, offer, "incident_archive_channel", world.channel)
    await called(world, mark, "conversations.archive")


@drives("command", "unlink-me")
async def unlink_me(world: World) -> None:
    world.channel = ""  # archived
    await ask(world, "unlink-me", "no longer linked")


TIME_SCALE = 1  # a stage's 30 minutes in 30 s: pages wait for the drivers


# The hand-offs of every rotation (their next shifts all within the notice), looked ahead at each
# second: a DM and an on-call channel post each, the hand-off surface's set-up only.
HANDOFFS = {"handoff_notice_minutes": 24 * 60, "handoff_check_seconds": 1}


@pytest.fixture
def bot_settings(request: pytest.FixtureRequest) -> dict[str, Any]:
    group = request.node.callspec.params["group"]
    return {
        "default_response_plan": "critical-service",
        "time_scale": TIME_SCALE,
        "admin_group": ADMINS,
        "oncall_channel": ONCALL,
        "announce_channel": ANNOUNCE,
        **(HANDOFFS if cover_for_me in GROUPS[group] else {}),
    }


# The drivers by the state they need, each group on a stack of its own (xdist spreads them):
# each starts from the world ``build`` makes, and from the incident ``declare`` makes at AWS's
# maximums where a surface works on an incident or in its channel. Within a group they run in
# the order the surfaces build on each other.
GROUPS: dict[str, tuple[Driver, ...]] = {
    "incident": (help_, declare, status, update, title, impact, summary, note, timeline, role),
    "related": (declare, link, links, unlink, add_to_timeline, add_links),
    # the 45 incidents ``list`` starts are synced into Slack while the pages wait their stages
    "paging": (
        declare,
        list_,
        pick,
        page,
        pages,
        escalate_now,
        acknowledge,
        page_again,
        stop_paging,
        home,
    ),
    "plans": (declare, whois, plan, stage_menu, remove_target, add_stage, add_target, plan_saved),
    "people": (declare, me, activate, link_me, oncall, cover, overrides, cover_for_me),
    "lifecycle": (
        declare,
        post_update,
        resolve,
        export,
        reopen,
        card_buttons,
        declare_from_message,
        pushpin_and_edit,
        archive,
        unlink_me,
    ),
}


@pytest.mark.parametrize("group", list(GROUPS))
async def test_every_surface_fits_slack_at_aws_maximums(group: str, stack: Stack) -> None:
    world = await build(stack)
    found: dict[str, list[str]] = {}
    drivers = GROUPS[group]
    for n, driver in enumerate(drivers):
        mark = len(stack.slack.calls)
        try:
            await driver(world)
            if n == len(drivers) - 1:
                await settled(world, mark)  # nothing more comes of the group's surfaces
        finally:
            if said := refusals(stack.slack.calls[mark:]):
                found[driver.__name__] = said
            assert found == {}, f"Slack refused or truncated: {found}"
