"""What Slack's refusals mean to the domain that asks who people are (``bot.directory``), on a
fake of the port: a group Slack will not list grants nobody its right, a channel whose privacy
is unknown is private, an unreadable email links nobody, an unknown time zone is UTC; each
refusal is logged with Slack's code."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, tzinfo
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from bot.errors import SlackRefused
from bot.oncall.times import user_zone
from bot.people import People
from bot.permissions import Permissions, Right
from bot.store.database import Database
from bot.store.schema import IncidentChannel

INCIDENT = "arn:aws:ssm-incidents::111122223333:incident-record/critical-service/abc"


class Directory:
    """Slack as the port shows it: what it answers, or Slack's refusal for a method."""

    def __init__(self, refusing: dict[str, str] | None = None) -> None:
        self.refusing = refusing or {}
        self.groups = {"SADMINS": {"UADA"}}
        self.members = {"C0INCIDENT": {"UMEMBER"}}

    def _refuse(self, method: str) -> None:
        if code := self.refusing.get(method):
            raise SlackRefused(code, True, f"Slack said {code}")

    async def user_by_email(self, email: str) -> str:
        self._refuse("user_by_email")
        raise SlackRefused("users_not_found", True, "Slack said users_not_found")

    async def email_of(self, user_id: str) -> str | None:
        self._refuse("email_of")
        return None

    async def time_zone(self, user_id: str) -> tzinfo:
        self._refuse("time_zone")
        return ZoneInfo("Asia/Tokyo")

    async def members_of(self, group_id: str) -> set[str]:
        self._refuse("members_of")
        return self.groups.get(group_id, set())

    async def is_private(self, channel_id: str) -> bool:
        self._refuse("is_private")
        return False

    async def channel_members(self, channel_id: str) -> set[str]:
        return self.members.get(channel_id, set())


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'bot.db'}")
    await database.migrate()
    async with database.write() as session:
        session.add(IncidentChannel(incident_arn=INCIDENT, channel_id="C0INCIDENT"))
    yield database
    await database.close()


def settings(**overrides: object) -> SimpleNamespace:
    defaults = {
        "admin_group": "SADMINS",
        "responder_group": None,
        "responder_user_ids": [],
        "member_group": None,
    }
    return SimpleNamespace(**{**defaults, **overrides})


async def test_a_group_slack_will_not_list_gives_nobody_its_right(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    permissions = Permissions(settings(), Directory(), database)
    assert (await permissions.decide("UADA", Right.ADMIN)).allowed
    refusing = Permissions(settings(), Directory({"members_of": "no_such_subteam"}), database)
    decision = await refusing.decide("UADA", Right.ADMIN, None, "link someone")
    assert not decision.allowed
    assert decision.refusal == "Only members of <!subteam^SADMINS> (admins) may link someone."
    assert "cannot read the members of user group SADMINS: no_such_subteam" in caplog.text


async def test_a_channel_whose_privacy_slack_will_not_tell_is_private(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    open_channel = Permissions(settings(), Directory(), database)
    assert await open_channel.may_see("UOUTSIDER", INCIDENT)
    unknown = Permissions(settings(), Directory({"is_private": "channel_not_found"}), database)
    assert await unknown.may_see("UMEMBER", INCIDENT)  # its members still read it
    decision = await unknown.decide("UOUTSIDER", Right.READ, INCIDENT, "read the timeline")
    assert decision.refusal == (
        "This incident's channel is private: only its members and admins may read the "
        "timeline on it."
    )
    assert "cannot tell whether C0INCIDENT is private: channel_not_found" in caplog.text


async def test_an_email_slack_will_not_read_links_nobody(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.people")
    directory = Directory({"email_of": "ratelimited"})
    people = People(
        SimpleNamespace(), database, directory, None, SimpleNamespace(), SimpleNamespace()
    )
    assert await people.contact_for("UNOBODY") is None
    assert "cannot read the email of UNOBODY: ratelimited" in caplog.text


async def test_a_time_zone_slack_will_not_tell_is_utc(caplog: pytest.LogCaptureFixture) -> None:
    assert await user_zone(Directory(), "UCAROL") == ZoneInfo("Asia/Tokyo")
    assert await user_zone(Directory({"time_zone": "user_not_found"}), "UCAROL") == UTC
    assert "cannot read the time zone of UCAROL: user_not_found" in caplog.text
