"""``Covers`` on fakes: AWS's rotation (its shifts, the overrides made and removed), who is who,
and the permission policy; what it says happened is heard on the bus, as the Slack presenter
hears it. (``test_cover.py`` runs the cover matrix end to end.)"""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest

from bot.contacts import Contact, Override, Shift
from bot.errors import Refused
from bot.events import Bus
from bot.oncall.cover import Covers
from bot.oncall.events import CoverMade, OverrideRemoved
from bot.permissions import Decision
from tests.oncall.conftest import ALICE, BOB, CAROL, END, PAYMENTS, ROTATION, START, hearing

USERS = {ALICE: "UALICE", BOB: "UBOB", CAROL: "UCAROL"}


class Rotation:
    """AWS's rotation r1: alice on call all week, and the overrides made on it."""

    def __init__(self) -> None:
        self.overridden: list[Override] = []

    async def shifts(self, rotation_id: str, start: datetime, end: datetime) -> list[Shift]:
        week = Shift(
            ROTATION, (ALICE,), START - timedelta(days=1), START + timedelta(days=6), False
        )
        for override in self.overridden:
            if override.start < end and start < override.end:
                return [
                    Shift(
                        ROTATION,
                        override.contact_arns,
                        override.start,
                        override.end,
                        True,
                        (ALICE,),
                    )
                ]
        return [week]

    async def rotation_members(self, rotation_id: str) -> list[str]:
        return [ALICE, BOB]

    async def create_override(
        self, rotation_id: str, contact_arns: list[str], start: datetime, end: datetime, token: str
    ) -> str:
        override_id = f"override-{len(self.overridden) + 1}"
        self.overridden.append(Override(rotation_id, override_id, tuple(contact_arns), start, end))
        return override_id

    async def overrides(self, rotation_id: str, start: datetime, end: datetime) -> list[Override]:
        return list(self.overridden)

    async def delete_override(self, rotation_id: str, override_id: str) -> None:
        self.overridden = [o for o in self.overridden if o.override_id != override_id]

    async def contact(self, arn: str) -> Contact:
        return PAYMENTS


class People:
    async def contact_for(self, user_id: str) -> str | None:
        return next((arn for arn, user in USERS.items() if user == user_id), None)

    async def slack_user_for(self, contact_arn: str, alias: str) -> str | None:
        return USERS.get(contact_arn)


class Policy:
    """The permission policy: nobody here is a responder."""

    async def decide(self, user_id: str, right: object, incident: object, what: str) -> Decision:
        return Decision(False, f"Only responders and admins may {what}.")


def covers(rotation: Rotation, bus: Bus) -> Covers:
    async def schedule(reference: str) -> Contact:
        return PAYMENTS

    on_call = SimpleNamespace(schedule=schedule)
    settings = SimpleNamespace(cover_max_days=14)
    return Covers(rotation, People(), on_call, Policy(), settings, bus)


async def test_a_shift_handed_over_by_its_person_is_said_to_the_others() -> None:
    bus, rotation = Bus(), Rotation()
    heard = hearing(bus, CoverMade)
    cover = await covers(rotation, bus).cover("payments", "UBOB", START, END, "UALICE", "t1")
    [override] = rotation.overridden
    assert (override.contact_arns, override.start, override.end) == ((BOB,), START, END)
    assert (cover.covering, cover.covered) == ("UBOB", ("UALICE",))
    assert heard == [CoverMade(cover, "UALICE")]  # alice typed it: the presenter spares her


async def test_someone_elses_shift_is_refused_and_nothing_is_said() -> None:
    bus, rotation = Bus(), Rotation()
    heard = hearing(bus, CoverMade)
    with pytest.raises(Refused, match="over <@UALICE>"):
        await covers(rotation, bus).cover("payments", "UCAROL", START, END, "UBOB", "t2")
    assert rotation.overridden == [] and heard == []


async def test_an_override_removed_by_the_person_it_put_off_call_tells_its_own() -> None:
    bus, rotation = Bus(), Rotation()
    heard = hearing(bus, OverrideRemoved)
    handing = covers(rotation, bus)
    await handing.cover("payments", "UBOB", START, END, "UALICE", "t3")
    [override] = rotation.overridden
    removed = await handing.remove(ROTATION, override.override_id, "UALICE")
    assert removed == override and rotation.overridden == []
    assert heard == [OverrideRemoved(override, "UALICE", ("UBOB",), ("UALICE",))]
