"""What end-to-end tests share: the ``Stack`` they drive and a poller for async outcomes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.services import Services
from emulator.slack import FakeSlack, SlackSender
from emulator.testing import RunningEmulator

T = TypeVar("T")
SIGNING_SECRET = "test-signing-secret"
DECLARE_MODAL = "declare_incident_modal"
BOT_TOKEN = "xoxb-test-bot-token"


@dataclass
class Stack:
    """What an end-to-end test sees: both outside worlds and the bot between them."""

    slack: FakeSlack
    sender: SlackSender
    emulator: RunningEmulator
    services: Services
    url: str

    def aws(self, service: str = "ssm-incidents") -> Any:
        """A boto3 client on the emulator, to read what Incident Manager now holds."""
        return self.emulator.client(service)


async def eventually(
    probe: Callable[[], T] | Callable[[], Awaitable[T]], timeout: float = 10.0
) -> T:
    """Polls ``probe`` until it returns something truthy (the bot works after its ack)."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result  # type: ignore[return-value]
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s: {probe}")
        await asyncio.sleep(0.02)


async def new_modal(
    fake: FakeSlack, callback_id: str, open_it: Callable[[], Awaitable[Any]], timeout: float = 10
) -> dict[str, Any]:
    """Run ``open_it`` and return the modal it opened once it shows ``callback_id``."""
    seen = len(fake.modals(callback_id))
    await open_it()
    return (await eventually(lambda: fake.modals(callback_id)[seen:], timeout))[0]


def declare_values(
    title: str, impact: int, plan_arn: str, summary: str = "", channel: bool = True
) -> dict[str, dict[str, dict[str, Any]]]:
    """The state Slack sends when a person fills in the declare modal."""
    option = {"text": {"type": "plain_text", "text": "Create an incident channel"}, "value": "yes"}
    return {
        "title_block": {"title": {"type": "plain_text_input", "value": title}},
        "impact_block": {
            "impact": {"type": "static_select", "selected_option": {"value": str(impact)}}
        },
        "plan_block": {
            "response_plan": {"type": "static_select", "selected_option": {"value": plan_arn}}
        },
        "summary_block": {"summary": {"type": "plain_text_input", "value": summary or None}},
        "channel_block": {
            "create_channel": {
                "type": "checkboxes",
                "selected_options": [option] if channel else [],
            }
        },
    }


PLAN_ARN = "arn:aws:ssm-incidents::111122223333:response-plan/critical-service"


@dataclass
class Declared:
    """An incident declared through Slack, and where it lives on both sides."""

    user: str
    channel: str
    arn: str
    card_ts: str


async def declare_incident(
    stack: Stack,
    title: str = "Checkout errors",
    impact: int = 2,
    user_name: str = "dana",
    plan_arn: str = PLAN_ARN,
) -> Declared:
    """Declare through the slash command and the modal, as a responder does."""
    user = stack.slack.add_user(user_name, email=f"{user_name}@example.com")
    origin = stack.slack.add_channel(f"ops-{user_name}-{len(stack.slack.channels)}", members=[user])
    view = await new_modal(
        stack.slack,
        DECLARE_MODAL,
        lambda: stack.sender.slash_command("/incident", f"declare {title}", user, origin),
    )
    await stack.sender.view_submission(user, view["id"], declare_values(title, impact, plan_arn))
    await eventually(
        lambda: any(
            f"Declared *{title}*" in e.get("text", "") for e in stack.slack.ephemerals_for(user)
        )
    )
    row = await eventually(lambda: _card_row(stack, title))
    return Declared(user, row[0], row[1], row[2])


async def _card_row(stack: Stack, title: str) -> tuple[str, str, str] | None:
    for incident in await stack.services.incidents.list("all"):
        if incident.title == title:
            channel_row = await stack.services.incidents.channel_row(incident.arn)
            if channel_row and channel_row.card_ts:
                return channel_row.channel_id, incident.arn, channel_row.card_ts
    return None


def card_fields(stack: Stack, declared: Declared) -> dict[str, str]:
    """The pinned card's fields, as ``{"Status": ":red_circle: Open", ...}``."""
    card = stack.slack.message(declared.channel, declared.card_ts)
    fields = [f["text"] for block in card["blocks"] for f in block.get("fields", [])]
    return dict(field.strip("*").split("*\n", 1) for field in fields)


def replies(stack: Stack, user: str) -> list[str]:
    """Texts the user was answered with (ephemerals, response_url posts), oldest first."""
    return [
        call.args.get("text", "")
        for call in stack.slack.calls
        if call.method in ("response_url", "chat.postEphemeral")
        and (call.method == "response_url" or call.args.get("user") == user)
    ]


async def declare_form(stack: Stack, user: str, channel: str, title: str = "") -> dict[str, Any]:
    """The declare modal ``user`` opens with ``/incident declare [title]`` in ``channel``."""
    text = f"declare {title}".rstrip()
    return await new_modal(
        stack.slack,
        DECLARE_MODAL,
        lambda: stack.sender.slash_command("/incident", text, user, channel),
    )
