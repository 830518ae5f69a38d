"""Paging said in Slack: what the paging presenter posts and rewrites for each event, on a
Slack Web client that records every call (and refuses what a test tells it to)."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.errors import SlackApiError

from bot.errors import AccessDenied
from bot.escalation.events import PageReminded
from bot.presenters.paging import PagingPresenter
from bot.presenters.paging_status import StatusMessages
from tests.escalation.conftest import USERS, World
from tests.escalation.fakes import CHANNEL, INCIDENT, contact_arn, plan
from tests.escalation.test_runner import start


class RecordingSlack:
    """The Web API methods the presenter calls; ``refusing`` maps a channel to Slack's error."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.refusing: dict[str, str] = {}

    async def chat_postMessage(self, **args: Any) -> dict[str, Any]:
        return self._answer("chat.postMessage", args)

    async def chat_update(self, **args: Any) -> dict[str, Any]:
        return self._answer("chat.update", args)

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if error := self.refusing.get(args["channel"]):
            raise SlackApiError(error, {"ok": False, "error": error})
        self.calls.append((method, args))
        return {
            "ok": True,
            "channel": args["channel"],
            "ts": args.get("ts", f"{len(self.calls)}.0"),
        }

    def said(self, method: str, channel: str) -> list[str]:
        return [a["text"] for m, a in self.calls if m == method and a["channel"] == channel]


@pytest.fixture
def slack(world: World) -> RecordingSlack:
    slack = RecordingSlack()
    status = StatusMessages(slack, world.database, world.settings)  # type: ignore[arg-type]
    PagingPresenter(slack, status).subscribe(world.bus)  # type: ignore[arg-type]
    return slack


def status(slack: RecordingSlack) -> str:
    """The escalation's live message in the channel, as it was last written."""
    [*_, (_, last)] = [c for c in slack.calls if c[1]["channel"] == CHANNEL and "blocks" in c[1]]
    return str(last["blocks"])


async def test_an_escalation_shows_its_live_message_once_its_page_is_out(
    world: World, slack: RecordingSlack
) -> None:
    await start(world)

    [(method, posted)] = [c for c in slack.calls if c[0] == "chat.postMessage"]
    assert (method, posted["channel"], posted["text"]) == (
        "chat.postMessage",
        CHANNEL,
        "Paging oncall",
    )
    assert f"alice (essential) → <@{USERS['alice']}>" in status(slack)
    [escalation] = await world.paging.escalations.running()
    assert escalation.status_ts == "1.0"


async def test_one_acknowledgement_rewrites_each_message_once(
    world: World, slack: RecordingSlack
) -> None:
    both = plan("both", (5, {"alice": True, "bob": True}))
    world.people.contacts[both.arn] = both
    await start(world, both)
    [alice], [bob] = world.dms("alice"), world.dms("bob")
    before = len(slack.calls)

    await world.paging.acknowledging.acknowledge(alice.notice_id, USERS["alice"])

    made = slack.calls[before:]
    assert [(m, a["channel"]) for m, a in made] == [
        ("chat.update", f"D{USERS['alice']}"),  # the pressed page
        ("chat.update", f"D{USERS['bob']}"),  # the page nobody need answer now
        ("chat.update", CHANNEL),  # the live message
    ]
    assert made[0][1]["text"] == f"Acknowledged by {USERS['alice']}"
    assert f"Acknowledged by <@{USERS['alice']}> at" in str(made[0][1]["blocks"])
    assert made[1][1]["text"] == f"Acknowledged by <@{USERS['alice']}>; you need not respond."
    assert "Acknowledged: later stages cancelled." in status(slack)
    assert f":white_check_mark: <@{USERS['alice']}>" in status(slack)
    assert bob.notice_id != alice.notice_id


async def test_a_channel_that_refuses_the_live_message_only_loses_it(
    world: World, slack: RecordingSlack, caplog: pytest.LogCaptureFixture
) -> None:
    slack.refusing[CHANNEL] = "not_in_channel"

    await start(world)

    assert f"could not post the paging status in {CHANNEL}: not_in_channel" in caplog.text
    assert len(world.dms("alice")) == 1
    [escalation] = await world.paging.escalations.running()
    assert escalation.status_ts is None


async def test_what_could_not_be_paged_is_said_in_the_channel(
    world: World, slack: RecordingSlack
) -> None:
    team = plan("team", (5, {"alice": True, "bob": True, "carol": True}))
    world.people.contacts[team.arn] = team
    world.contacts.refusing[contact_arn("alice")] = AccessDenied("No StartEngagement.")
    world.messages.refusing.add(USERS["bob"])
    del world.people.users["carol"]

    await start(world, team)

    assert slack.said("chat.postMessage", CHANNEL)[:3] == [
        ":warning: Could not page `alice`: No StartEngagement.",
        f":warning: `bob` was paged through AWS, but Slack refused the direct message to "
        f"<@{USERS['bob']}> (cannot_dm_bot), so no Acknowledge button reached them. Check who "
        "`bob` is linked to with `/incident whois bob`.",
        ":warning: `carol` was paged through AWS but is not linked to a Slack user, so no "
        "Acknowledge button reached them. They can run `/incident link-me carol`.",
    ]


async def test_past_the_last_stage_the_channel_is_told_and_offered_page_again(
    world: World, slack: RecordingSlack
) -> None:
    escalation = await start(world)
    await world.paging.runner.advance(escalation.id, 1)
    await world.paging.runner.advance(escalation.id, 2)

    assert slack.said("chat.postMessage", CHANNEL)[-1] == (
        ":rotating_light: Every stage of `oncall` ran and no essential contact acknowledged. "
        "Use *Page again* on the escalation message, or page someone else."
    )
    assert "Page again" in status(slack)


async def test_resolving_the_incident_tells_each_page_it_is_moot(
    world: World, slack: RecordingSlack
) -> None:
    await start(world)
    world.incidents.resolve()

    await world.paging.closing.incident_resolved(INCIDENT)

    assert slack.said("chat.update", f"D{USERS['alice']}") == [
        "The incident was resolved; paging stopped."
    ]
    assert "Paging stopped." in status(slack)


async def test_a_reminder_goes_in_the_page_s_thread(world: World, slack: RecordingSlack) -> None:
    await start(world)
    [notice] = await world.paging.notices.unanswered()
    incident = await world.incidents.get(INCIDENT)

    await world.bus.publish(PageReminded(notice, incident, 2))

    [(_, reminder)] = [c for c in slack.calls if c[1].get("thread_ts")]
    assert (reminder["channel"], reminder["thread_ts"]) == (notice.dm_channel, notice.dm_ts)
    assert reminder["text"] == (
        ":alarm_clock: Reminder 2: *Checkout errors* still waits for your acknowledgement. "
        "Press Acknowledge above."
    )
