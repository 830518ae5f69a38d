"""``/incident cover`` and ``/incident overrides``: who may cover whom, for how long and on
which rotation (the cover matrix), each case read from both sides: what the person is told
and the rotation's overrides in AWS. Times are read in the person's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.oncall.conftest import daily_rotation, on_call_schedule
from tests.support import Stack, eventually, replies

PRIMARY = "primary-weekly"  # alice this week (from when the seed was loaded), bob, then carol


def overrides(stack: Stack, rotation: str = PRIMARY) -> list[dict[str, Any]]:
    """The rotation's overrides in AWS (by name or ARN)."""
    now = datetime.now(UTC)
    arn = (
        rotation if rotation.startswith("arn:") else stack.emulator.contacts.rotation_arn(rotation)
    )
    return stack.aws("ssm-contacts").list_rotation_overrides(
        RotationId=arn, StartTime=now - timedelta(days=1), EndTime=now + timedelta(days=30)
    )["RotationOverrides"]


def contact(stack: Stack, alias: str) -> str:
    return str(stack.emulator.contacts.contact_arn(alias))


async def command(stack: Stack, user: str, channel: str, text: str) -> str:
    seen = len(replies(stack, user))
    await stack.sender.slash_command("/incident", text, user, channel)
    return (await eventually(lambda: replies(stack, user)[seen:]))[0]


def add_person(stack: Stack, alias: str) -> str:
    """A contact in no rotation, with an EMAIL channel; its Slack user (same email)."""
    contacts = stack.aws("ssm-contacts")
    arn = contacts.create_contact(
        Alias=alias, DisplayName=alias.title(), Type="PERSONAL", Plan={"Stages": []}
    )["ContactArn"]
    contacts.create_contact_channel(
        ContactId=arn,
        Name=f"{alias} email",
        Type="EMAIL",
        DeliveryAddress={"SimpleAddress": f"{alias}@example.com"},
    )
    return stack.slack.add_user(alias, email=f"{alias}@example.com")


async def test_the_person_on_call_hands_their_shift_to_someone_in_their_own_time_zone(
    stack: Stack, team: dict[str, str]
) -> None:
    carol, alice = team["carol"], team["alice"]  # alice is on call this week, in New York
    said = await command(
        stack, alice, team["ops"], f"cover primary-oncall <@{carol}> tomorrow 09:00 tomorrow 17:30"
    )
    york = ZoneInfo("America/New_York")
    day = datetime.now(york).date() + timedelta(days=1)
    start = datetime.combine(day, time(9, 0), york)
    end = datetime.combine(day, time(17, 30), york)
    [override] = overrides(stack)
    assert override["StartTime"] == start and override["EndTime"] == end
    assert override["NewContactIds"] == [contact(stack, "carol")]
    assert f"<@{carol}> covers <@{alice}>" in said
    assert f"<!date^{int(start.timestamp())}^" in said and f"<!date^{int(end.timestamp())}^" in said
    told = await eventually(lambda: stack.slack.dms(carol))
    assert f"<@{carol}> covers <@{alice}>" in told[0]["text"]


async def test_a_responder_puts_someone_else_on_call_with_relative_times(
    stack: Stack, team: dict[str, str]
) -> None:
    stack.services.settings.responder_user_ids = [team["dana"]]
    before = datetime.now(UTC)
    said = await command(
        stack, team["dana"], team["ops"], f"cover primary-oncall <@{team['bob']}> +1h +2h"
    )
    [override] = overrides(stack)
    assert override["NewContactIds"] == [contact(stack, "bob")]
    assert override["EndTime"] - override["StartTime"] == timedelta(hours=2)
    assert (
        before + timedelta(hours=1)
        <= override["StartTime"]
        <= datetime.now(UTC) + timedelta(hours=1)
    )
    assert f"<@{team['bob']}> covers <@{team['alice']}>" in said
    for user in ("bob", "alice"):
        await eventually(lambda user=user: stack.slack.dms(team[user]))


async def test_an_admin_puts_someone_on_call_over_anyone(
    stack: Stack, team: dict[str, str]
) -> None:
    stack.services.settings.admin_group = stack.slack.add_usergroup([team["dana"]])
    said = await command(
        stack, team["dana"], team["ops"], f"cover primary-oncall <@{team['carol']}> now +3h"
    )
    [override] = overrides(stack)
    assert override["NewContactIds"] == [contact(stack, "carol")]
    assert f"<@{team['carol']}> covers <@{team['alice']}>" in said


async def test_a_cover_nobody_allowed_is_refused_and_changes_nothing(
    stack: Stack, team: dict[str, str]
) -> None:
    # bob is neither on call (alice is) nor a responder: he may not put carol on call
    said = await command(
        stack, team["bob"], team["ops"], f"cover primary-oncall <@{team['carol']}> +1h +2h"
    )
    assert f"Only responders and admins may put <@{team['carol']}> on call" in said
    assert overrides(stack) == []
    assert stack.slack.dms(team["carol"]) == [] and stack.slack.dms(team["alice"]) == []


async def test_nobody_takes_a_shift_that_is_not_theirs_in_the_rotation_or_out_of_it(
    stack: Stack, team: dict[str, str]
) -> None:
    carol, alice = team["carol"], team["alice"]
    # carol is in the rotation but not on call: taking alice's shift needs alice's consent
    said = await command(stack, carol, team["ops"], "cover primary-oncall now +3h")
    assert (
        f"Only responders and admins may put <@{carol}> on call for `primary-oncall` over "
        f"<@{alice}>"
    ) in said
    assert "**Cover for me**" in said and f"`/incident cover primary-oncall <@{carol}>" in said
    # erin has a contact in no rotation at all: the same, and ten years is too long anyway
    erin = add_person(stack, "erin")
    said = await command(stack, erin, team["ops"], "cover primary-oncall now +3650d")
    assert "Give a whole number of days from 0 to 366, not 3650." in said
    said = await command(stack, erin, team["ops"], "cover primary-oncall now +15d")
    assert "A cover lasts at most 14 days (`COVER_MAX_DAYS`)" in said
    said = await command(stack, erin, team["ops"], "cover primary-oncall now +10d")
    assert f"Only responders and admins may put <@{erin}> on call" in said
    assert overrides(stack) == []
    assert stack.slack.dms(alice) == []


async def test_a_week_on_call_does_not_reach_into_the_next_persons_shift(
    stack: Stack, team: dict[str, str]
) -> None:
    alice, bob, carol = team["alice"], team["bob"], team["carol"]
    # alice is on call for a week; thirteen days from now reaches into bob's week
    said = await command(stack, alice, team["ops"], f"cover primary-oncall <@{carol}> now +13d")
    assert f"on call for `primary-oncall` over <@{alice}>, <@{bob}>" in said
    assert "a time you are on call for all of yourself" in said
    assert overrides(stack) == []
    assert stack.slack.dms(bob) == [] and stack.slack.dms(carol) == []


async def test_a_cover_starts_now_or_later_and_lasts_at_most_cover_max_days(
    stack: Stack, team: dict[str, str]
) -> None:
    alice, carol = team["alice"], team["carol"]
    york = ZoneInfo("America/New_York")
    yesterday = datetime.now(york).date() - timedelta(days=1)
    said = await command(
        stack, alice, team["ops"], f"cover primary-oncall <@{carol}> {yesterday} 09:00 +40h"
    )
    assert "A cover cannot start in the past: start it `now` or later." in said
    stack.services.settings.cover_max_days = 1
    said = await command(stack, alice, team["ops"], f"cover primary-oncall <@{carol}> now +25h")
    assert "A cover lasts at most 1 day (`COVER_MAX_DAYS`)" in said
    assert overrides(stack) == []
    said = await command(stack, alice, team["ops"], f"cover primary-oncall <@{carol}> now +24h")
    assert f"<@{carol}> covers <@{alice}>" in said
    [override] = overrides(stack)
    assert override["EndTime"] - override["StartTime"] == timedelta(hours=24)


async def test_bad_times_say_what_is_expected_and_change_nothing(
    stack: Stack, team: dict[str, str]
) -> None:
    said = await command(stack, team["carol"], team["ops"], "cover primary-oncall soon later")
    assert "Give a start and an end" in said and "`tomorrow 09:00`" in said
    said = await command(
        stack, team["carol"], team["ops"], "cover primary-oncall 2020-01-01 09:00 +1h"
    )
    assert "already past" in said
    said = await command(stack, team["dana"], team["ops"], "cover primary-oncall +1h +2h")
    assert "is not linked to an Incident Manager contact" in said
    said = await command(stack, team["alice"], team["ops"], "cover primary-oncall +1h +2h")
    assert "You are on call for `primary-oncall` for all of that time already" in said
    assert overrides(stack) == []


async def test_overrides_are_listed_and_removed_by_their_people_and_the_people_displaced(
    stack: Stack, team: dict[str, str]
) -> None:
    alice, bob, carol = team["alice"], team["bob"], team["carol"]
    await command(stack, alice, team["ops"], f"cover primary-oncall <@{carol}> +1h +3h")
    assert len(overrides(stack)) == 1

    async def remove_button() -> dict[str, Any]:
        seen = len(stack.slack.calls_to("response_url"))
        await stack.sender.slash_command("/incident", "overrides primary-oncall", bob, team["ops"])
        listed = (await eventually(lambda: stack.slack.calls_to("response_url")[seen:]))[0].args
        assert f"<@{carol}> from <!date^" in str(listed["blocks"])
        [button] = [
            b["accessory"]
            for b in listed["blocks"]
            if b.get("accessory", {}).get("text", {}).get("text") == "Remove"
        ]
        return dict(button)

    async def press(user: str, button: dict[str, Any], answer: str) -> None:
        await stack.sender.block_action(
            user, button["action_id"], button["value"], channel_id=team["ops"]
        )
        await eventually(lambda: any(answer in r for r in replies(stack, user)))

    # bob is neither carol (on call by it) nor alice (put off call by it)
    button = await remove_button()
    await press(bob, button, "Nothing was removed")
    refusal = next(r for r in replies(stack, bob) if "Nothing was removed" in r)
    assert "So may the cover's own people and the people it puts off call." in refusal
    assert len(overrides(stack)) == 1

    # alice, whom it put off call, may: carol is told
    await press(alice, button, "Override removed")
    assert overrides(stack) == []
    told = await eventually(lambda: [m for m in stack.slack.dms(carol) if "removed" in m["text"]])
    assert f"<@{alice}> removed your cover from <!date^" in told[0]["text"]

    # and carol, whom it put on call, may: alice is told she is on call again
    await command(stack, alice, team["ops"], f"cover primary-oncall <@{carol}> +4h +5h")
    await press(carol, await remove_button(), "Override removed")
    assert overrides(stack) == []
    told = await eventually(lambda: [m for m in stack.slack.dms(alice) if "removed" in m["text"]])
    assert "you are on call again then" in told[0]["text"]

    seen = len(stack.slack.calls_to("response_url"))
    await stack.sender.slash_command("/incident", "overrides primary-oncall", carol, team["ops"])
    listed = (await eventually(lambda: stack.slack.calls_to("response_url")[seen:]))[0].args
    assert "has no override from now on" in str(listed["blocks"])


async def test_with_two_rotations_a_cover_goes_on_the_rotation_of_the_shift_covered(
    stack: Stack, team: dict[str, str]
) -> None:
    alice, bob, carol = team["alice"], team["bob"], team["carol"]
    day = daily_rotation(stack, "db-day", ["alice", "bob"], hand_off_in=6 * 3600)
    night = daily_rotation(stack, "db-night", ["carol"], hand_off_in=6 * 3600)
    on_call_schedule(stack, "db-oncall", [day, night])

    # alice (on call in db-day) hands an hour to carol, who is on call in db-night: the
    # override replaces alice in db-day, and db-night keeps carol
    said = await command(stack, alice, team["ops"], f"cover db-oncall <@{carol}> +1h +2h")
    assert [o["NewContactIds"] for o in overrides(stack, day)] == [[contact(stack, "carol")]]
    assert overrides(stack, night) == []
    assert f"<@{carol}> covers <@{alice}>" in said

    # a responder puts bob on call: on the rotation bob takes turns in
    stack.services.settings.responder_user_ids = [team["dana"]]
    said = await command(stack, team["dana"], team["ops"], f"cover db-oncall <@{bob}> +4h +1h")
    assert [o["NewContactIds"] for o in overrides(stack, day)][-1] == [contact(stack, "bob")]
    assert overrides(stack, night) == []

    # carol is on call in db-night all along: nothing to cover for herself
    said = await command(stack, carol, team["ops"], "cover db-oncall +1h +2h")
    assert "You are on call for `db-oncall` for all of that time already" in said
    assert len(overrides(stack, day)) == 2 and overrides(stack, night) == []
