"""``CoverRequests`` on fakes of its ports: the on-call channel's messages (a fake that records
what it was asked, or refuses as Slack does) and the covers it makes; what it says happened is
heard on the bus, as the Slack presenter hears it."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from bot.contacts import Contact
from bot.errors import Conflict, DomainError, Refused, SlackRefused, Throttled
from bot.events import Bus
from bot.oncall.cover_requests import CoverRequests
from bot.oncall.events import Cover, CoverRequestExpired, CoverTaken
from bot.oncall.handoffs import handoff_key
from bot.oncall.ports import CoverAsk, Posted
from bot.store.database import Database
from bot.store.schema import CoverRequest, Handoff
from bot.tokens import client_token
from tests.oncall.conftest import ALICE, END, PAYMENTS, ROTATION, START, hearing

ONCALL = "C0ONCALL"


class Messages:
    """The on-call channel as the port shows it: each request posted, or Slack's refusal."""

    def __init__(self) -> None:
        self.posted: list[tuple[str, CoverAsk]] = []
        self.refusing: str | None = None

    async def post(self, channel: str, ask: CoverAsk) -> Posted:
        if self.refusing:
            raise SlackRefused(self.refusing, True, f"Slack said {self.refusing}")
        self.posted.append((channel, ask))
        return Posted(channel, f"17000000{len(self.posted)}.000100")


class Covers:
    """Who answers for alice, the schedule, whether she still holds her shift, and the override
    each **I'll cover** makes (or AWS's refusal of it)."""

    def __init__(self) -> None:
        self.people = SimpleNamespace(slack_user_for=self.slack_user_for)
        self.contacts = SimpleNamespace(contact=self.contact)
        self.made: list[tuple[Any, ...]] = []
        self.failing: Exception | None = None

    async def slack_user_for(self, contact_arn: str, alias: str) -> str | None:
        return "UALICE" if contact_arn == ALICE else None

    async def contact(self, arn: str) -> Contact:
        assert arn == PAYMENTS.arn
        return PAYMENTS

    async def holds(self, rotation_id: str, contact_arn: str, start: object, end: object) -> bool:
        return True

    async def take_shift(self, *args: Any) -> Cover:
        if self.failing:
            raise self.failing
        self.made.append(args)
        _, _, _, covering, start, end, _ = args
        return Cover(PAYMENTS, f"override-{len(self.made)}", covering, ("UALICE",), start, end)


@pytest.fixture
async def handoff(database: Database) -> str:
    """Alice's coming shift on payments, as a hand-off row; its key (the button's value)."""
    row = Handoff(
        rotation_id=ROTATION,
        shift_start=START.timestamp(),
        contact_arn=ALICE,
        schedule_arn=PAYMENTS.arn,
        shift_end=END.timestamp(),
        due_at=(START - timedelta(minutes=15)).timestamp(),
        state="sent",
    )
    async with database.write() as session:
        session.add(row)
    return handoff_key(row)


def cover_requests(
    database: Database, bus: Bus, messages: Messages, covers: Covers
) -> CoverRequests:
    settings = SimpleNamespace(oncall_channel=ONCALL)
    return CoverRequests(database, settings, covers, messages, bus)


def requests_id(handoff: str) -> str:
    """The request's id, as made from its hand-off."""
    return client_token("cover-request", handoff)


async def test_cover_for_me_posts_the_hand_offs_own_shift_once(
    database: Database, handoff: str
) -> None:
    messages = Messages()
    requests = cover_requests(database, Bus(), messages, Covers())
    said = await requests.ask(handoff, "UALICE")
    assert said == f"Asked for cover in <#{ONCALL}>: you will be told when someone takes it."
    [(channel, ask)] = messages.posted
    assert channel == ONCALL
    assert (ask.schedule, ask.requester, ask.start, ask.end) == (PAYMENTS, "UALICE", START, END)
    again = await requests.ask(handoff, "UALICE")
    assert again.startswith(f"You already asked for cover in <#{ONCALL}>")
    assert len(messages.posted) == 1


async def test_only_the_hand_offs_person_may_ask(database: Database, handoff: str) -> None:
    messages = Messages()
    requests = cover_requests(database, Bus(), messages, Covers())
    with pytest.raises(Refused, match="Only the person on call for that shift"):
        await requests.ask(handoff, "UMALLORY")
    assert messages.posted == []


async def test_a_request_slack_refuses_leaves_nothing_behind(
    database: Database, handoff: str
) -> None:
    messages = Messages()
    messages.refusing = "not_in_channel"
    requests = cover_requests(database, Bus(), messages, Covers())
    with pytest.raises(DomainError, match="Slack refused the request") as refused:
        await requests.ask(handoff, "UALICE")
    assert f"(`not_in_channel`). Check that the bot is in <#{ONCALL}>" in refused.value.message
    async with database.session() as session:
        assert await session.get(CoverRequest, requests_id(handoff)) is None
    messages.refusing = None  # the bot was invited: the next press asks again
    assert (await requests.ask(handoff, "UALICE")).startswith("Asked for cover")
    assert len(messages.posted) == 1


async def test_the_first_to_press_takes_it_and_the_request_says_so(
    database: Database, handoff: str
) -> None:
    bus, messages, covers = Bus(), Messages(), Covers()
    heard = hearing(bus, CoverTaken)
    requests = cover_requests(database, bus, messages, covers)
    await requests.ask(handoff, "UALICE")
    request_id = requests_id(handoff)
    with pytest.raises(DomainError, match="your own request"):
        await requests.take(request_id, "UALICE")
    cover = await requests.take(request_id, "UBOB")
    [made] = covers.made
    assert made[:6] == (PAYMENTS.arn, ROTATION, ALICE, "UBOB", START, END)
    assert heard == [CoverTaken(request_id, cover, Posted(ONCALL, "170000001.000100"))]
    with pytest.raises(Conflict, match="<@UBOB> already took this cover"):
        await requests.take(request_id, "UCAROL")
    assert len(covers.made) == 1 and len(heard) == 1


async def test_a_cover_aws_refuses_leaves_the_request_open_for_the_next(
    database: Database, handoff: str
) -> None:
    bus, covers = Bus(), Covers()
    heard = hearing(bus, CoverTaken)
    requests = cover_requests(database, bus, Messages(), covers)
    await requests.ask(handoff, "UALICE")
    covers.failing = Throttled("AWS is throttling requests: try again in a minute.")
    with pytest.raises(Throttled):
        await requests.take(requests_id(handoff), "UBOB")
    assert heard == []
    covers.failing = None
    cover = await requests.take(requests_id(handoff), "UCAROL")
    assert cover.covering == "UCAROL" and len(heard) == 1


async def test_a_request_nobody_took_expires_once_when_its_shift_is_over(
    database: Database, handoff: str
) -> None:
    bus = Bus()
    heard = hearing(bus, CoverRequestExpired, CoverTaken)
    requests = cover_requests(database, bus, Messages(), Covers())
    await requests.ask(handoff, "UALICE")
    requests.clock = lambda: END + timedelta(minutes=1)
    await requests.expire_due()
    await requests.expire_due()
    message = Posted(ONCALL, "170000001.000100")
    assert heard == [
        CoverRequestExpired(requests_id(handoff), message, "payments", "UALICE", START, END)
    ]
    with pytest.raises(Conflict, match="This request expired"):
        await requests.take(requests_id(handoff), "UBOB")
    assert len(heard) == 1
