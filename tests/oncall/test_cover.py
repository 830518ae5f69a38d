"""``/incident cover`` and ``/incident overrides``: a rotation override made, confirmed to both
people, listed and removed; times read in the person's time zone; a refused cover changes
nothing."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.support import Stack, eventually, replies

PRIMARY = "primary-weekly"


def overrides(stack: Stack) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    return stack.aws("ssm-contacts").list_rotation_overrides(
        RotationId=stack.emulator.contacts.rotation_arn(PRIMARY),
        StartTime=now - timedelta(days=1),
        EndTime=now + timedelta(days=30),
    )["RotationOverrides"]


async def command(stack: Stack, user: str, channel: str, text: str) -> str:
    seen = len(replies(stack, user))
    await stack.sender.slash_command("/incident", text, user, channel)
    return (await eventually(lambda: replies(stack, user)[seen:]))[0]


async def test_cover_by_command_reads_times_in_the_users_time_zone_and_tells_both(
    stack: Stack, team: dict[str, str]
) -> None:
    carol, alice = team["carol"], team["alice"]  # carol is in Tokyo; alice is on call this week
    said = await command(
        stack, carol, team["ops"], "cover primary-oncall tomorrow 09:00 tomorrow 17:30"
    )
    tokyo = ZoneInfo("Asia/Tokyo")
    day = datetime.now(tokyo).date() + timedelta(days=1)
    start = datetime.combine(day, time(9, 0), tokyo)
    end = datetime.combine(day, time(17, 30), tokyo)
    [override] = overrides(stack)
    assert override["StartTime"] == start and override["EndTime"] == end
    assert override["NewContactIds"] == [stack.emulator.contacts.contact_arn("carol")]
    assert f"<@{carol}> covers <@{alice}>" in said
    assert f"<!date^{int(start.timestamp())}^" in said and f"<!date^{int(end.timestamp())}^" in said
    told = await eventually(lambda: stack.slack.dms(alice))
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
    assert override["NewContactIds"] == [stack.emulator.contacts.contact_arn("bob")]
    assert override["EndTime"] - override["StartTime"] == timedelta(hours=2)
    assert (
        before + timedelta(hours=1)
        <= override["StartTime"]
        <= datetime.now(UTC) + timedelta(hours=1)
    )
    assert f"<@{team['bob']}> covers <@{team['alice']}>" in said
    for user in ("bob", "alice"):
        await eventually(lambda user=user: stack.slack.dms(team[user]))


async def test_a_cover_nobody_allowed_is_refused_and_changes_nothing(
    stack: Stack, team: dict[str, str]
) -> None:
    # bob is neither on call (alice is) nor the one covering (carol), nor a responder
    said = await command(
        stack, team["bob"], team["ops"], f"cover primary-oncall <@{team['carol']}> +1h +2h"
    )
    assert "Only responders and admins may put" in said
    assert overrides(stack) == []
    assert stack.slack.dms(team["carol"]) == [] and stack.slack.dms(team["alice"]) == []


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
    assert overrides(stack) == []


async def test_overrides_are_listed_and_removed(stack: Stack, team: dict[str, str]) -> None:
    carol = team["carol"]
    await command(stack, carol, team["ops"], "cover primary-oncall +1h +3h")
    assert len(overrides(stack)) == 1
    seen = len(stack.slack.calls_to("response_url"))
    await stack.sender.slash_command("/incident", "overrides primary-oncall", carol, team["ops"])
    listed = (await eventually(lambda: stack.slack.calls_to("response_url")[seen:]))[0].args
    [button] = [
        b["accessory"]
        for b in listed["blocks"]
        if b.get("accessory", {}).get("text", {}).get("text") == "Remove"
    ]
    assert f"<@{carol}> from <!date^" in str(listed["blocks"])

    # bob may not remove carol's cover
    await stack.sender.block_action(
        team["bob"], button["action_id"], button["value"], channel_id=team["ops"]
    )
    await eventually(lambda: any("Nothing was removed" in r for r in replies(stack, team["bob"])))
    assert len(overrides(stack)) == 1

    await stack.sender.block_action(
        carol, button["action_id"], button["value"], channel_id=team["ops"]
    )
    await eventually(lambda: any("Override removed" in r for r in replies(stack, carol)))
    assert overrides(stack) == []
    seen = len(stack.slack.calls_to("response_url"))
    await stack.sender.slash_command("/incident", "overrides primary-oncall", carol, team["ops"])
    listed = (await eventually(lambda: stack.slack.calls_to("response_url")[seen:]))[0].args
    assert "has no override from now on" in str(listed["blocks"])


async def test_a_cover_goes_on_the_rotation_the_covering_person_is_in(
    stack: Stack, team: dict[str, str]
) -> None:
    contacts = stack.aws("ssm-contacts")
    arn = stack.emulator.contacts.contact_arn

    def rotation(name: str, people: list[str]) -> str:
        return contacts.create_rotation(
            Name=name,
            ContactIds=[arn(p) for p in people],
            StartTime=datetime.now(UTC) - timedelta(days=1),
            TimeZoneId="UTC",
            Recurrence={
                "NumberOfOnCalls": 1,
                "RecurrenceMultiplier": 1,
                "DailySettings": [{"HourOfDay": 9, "MinuteOfHour": 0}],
            },
        )["RotationArn"]

    first, second = rotation("db-day", ["alice", "bob"]), rotation("db-night", ["carol"])
    contacts.create_contact(
        Alias="db-oncall",
        DisplayName="DB",
        Type="ONCALL_SCHEDULE",
        Plan={"RotationIds": [first, second]},
    )
    said = await command(stack, team["carol"], team["ops"], "cover db-oncall +1h +2h")

    now = datetime.now(UTC)
    window = {"StartTime": now - timedelta(days=1), "EndTime": now + timedelta(days=2)}
    on_second = contacts.list_rotation_overrides(RotationId=second, **window)["RotationOverrides"]
    on_first = contacts.list_rotation_overrides(RotationId=first, **window)["RotationOverrides"]
    assert [o["NewContactIds"] for o in on_second] == [[arn("carol")]], said
    assert on_first == []
