"""Covering a shift with a rotation override (``CreateRotationOverride``): who may, for how
long and on which rotation; overrides listed and removed again.

The rules: whoever is on call for the whole time may hand it to anyone (their own shift);
putting someone on call over anyone else's shift takes a responder or an admin
(``Right.RESPONDER``), or the consent of the person covered (**I'll cover** on their **Cover for
me**). A cover made by command starts now or later and lasts at most ``COVER_MAX_DAYS``. An
override may be removed by its own people, the people it displaces, responders and admins.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.aws.contacts import ContactsPort
from bot.config import Settings
from bot.contacts import Contact, Override, Shift, alias_of
from bot.errors import Conflict, InvalidInput, NotFound, Refused
from bot.events import Bus
from bot.oncall.events import Cover, CoverMade, OverrideRemoved
from bot.oncall.shifts import OnCall
from bot.people import People
from bot.permissions import Permissions, Right

log = logging.getLogger(__name__)

OVERRIDES_AHEAD = timedelta(days=90)  # how far ahead ``/incident overrides`` looks
START_GRACE = timedelta(minutes=1)  # a cover typed to start `now` is checked a moment later


@dataclass(frozen=True)
class Stretch:
    """Who is on call in one rotation from ``start`` to ``end``, shift by shift (overrides
    included)."""

    rotation_id: str
    start: datetime
    end: datetime
    shifts: tuple[Shift, ...]  # sorted by start

    def on_call(self) -> list[str]:
        """Everyone on call at some moment of the stretch."""
        return list(dict.fromkeys(arn for shift in self.shifts for arn in shift.contact_arns))

    def held_by(self, contact_arn: str) -> bool:
        """Whether ``contact_arn`` is on call at every moment of the stretch."""
        reached = self.start
        for shift in self.shifts:
            if shift.start > reached or contact_arn not in shift.contact_arns:
                return False
            reached = max(reached, shift.end)
        return reached >= self.end

    def companions(self, contact_arn: str) -> set[tuple[str, ...]]:
        """The others on call with ``contact_arn``, one tuple per different set of them."""
        return {tuple(a for a in s.contact_arns if a != contact_arn) for s in self.shifts}


class Covers:
    def __init__(
        self,
        contacts: ContactsPort,
        people: People,
        on_call: OnCall,
        permissions: Permissions,
        settings: Settings,
        bus: Bus,
    ) -> None:
        self.contacts = contacts
        self.people = people
        self.on_call = on_call
        self.permissions = permissions
        self.settings = settings
        self.bus = bus

    async def stretch(self, rotation_id: str, start: datetime, end: datetime) -> Stretch:
        shifts = await self.contacts.shifts(rotation_id, start, end)
        return Stretch(rotation_id, start, end, tuple(sorted(shifts, key=lambda s: s.start)))

    async def cover(
        self, reference: str, covering: str, start: datetime, end: datetime, by: str, token: str
    ) -> Cover:
        """``/incident cover``: put ``covering`` on call from ``start`` to ``end``: over
        ``by``'s own shift when they are on call for all of it, else (responders and admins
        only) on the rotation ``covering`` belongs to (the first, when they are in none). The
        people it puts on and off call are told (but ``by``, who is answered)."""
        cover = await self._cover(reference, covering, start, end, by, token)
        await self.bus.publish(CoverMade(cover, by))
        return cover

    async def _cover(
        self, reference: str, covering: str, start: datetime, end: datetime, by: str, token: str
    ) -> Cover:
        self._check_window(start, end)
        schedule = await self.on_call.schedule(reference)
        if not schedule.rotation_ids:
            raise InvalidInput(f"`{schedule.alias}` has no rotation to cover.")
        covering_arn = await self._contact_of(covering)
        by_arn = covering_arn if by == covering else await self.people.contact_for(by)
        stretches = [await self.stretch(r, start, end) for r in schedule.rotation_ids]
        own = next((s for s in stretches if by_arn and s.held_by(by_arn)), None)
        if own is not None and by_arn is not None:
            if by == covering:
                raise InvalidInput(
                    f"You are on call for `{schedule.alias}` for all of that time already. To "
                    f"have someone cover you, name them: `/incident cover {schedule.alias} "
                    "@someone <from> <to>`."
                )
            return await self._override(schedule, own, covering, covering_arn, by_arn, token, by)
        stretch = await self._rotation_for(covering, covering_arn, schedule, stretches)
        await self._require_responder(by, covering, covering_arn, schedule, stretch)
        return await self._override(schedule, stretch, covering, covering_arn, None, token, by)

    async def take_shift(
        self,
        schedule_arn: str,
        rotation_id: str,
        covered_arn: str,
        covering: str,
        start: datetime,
        end: datetime,
        token: str,
    ) -> Cover:
        """**I'll cover**: ``covering`` takes the shift its person asked to have covered (their
        consent), on that person's rotation, as long as they still hold all of it."""
        schedule = await self.contacts.contact(schedule_arn)
        stretch = await self.stretch(rotation_id, start, end)
        if not stretch.held_by(covered_arn):
            raise Conflict(
                "The person who asked is no longer on call for all of that shift (it was "
                f"covered or changed meanwhile): nothing was changed. `/incident overrides "
                f"{schedule.alias}` shows its covers."
            )
        covering_arn = await self._contact_of(covering)
        if covering_arn == covered_arn:
            raise InvalidInput("That is your own shift: someone else has to cover it.")
        return await self._override(
            schedule, stretch, covering, covering_arn, covered_arn, token, covering
        )

    async def holds(
        self, rotation_id: str, contact_arn: str, start: datetime, end: datetime
    ) -> bool:
        """Whether the contact is on call in the rotation for all of ``start`` to ``end``."""
        return (await self.stretch(rotation_id, start, end)).held_by(contact_arn)

    def _check_window(self, start: datetime, end: datetime) -> None:
        if start < datetime.now(UTC) - START_GRACE:
            raise InvalidInput("A cover cannot start in the past: start it `now` or later.")
        if end - start > timedelta(days=self.settings.cover_max_days):
            days = self.settings.cover_max_days
            raise InvalidInput(
                f"A cover lasts at most {days:g} day{'' if days == 1 else 's'} "
                "(`COVER_MAX_DAYS`): cover a shorter time."
            )

    async def _contact_of(self, user_id: str) -> str:
        arn = await self.people.contact_for(user_id)
        if arn is None:
            raise NotFound(
                f"<@{user_id}> is not linked to an Incident Manager contact, so they cannot go "
                "on call. They can run `/incident link-me <contact-alias>`."
            )
        return arn

    async def _rotation_for(
        self, covering: str, contact_arn: str, schedule: Contact, stretches: list[Stretch]
    ) -> Stretch:
        """Where to put the contact on call: among the rotations where they are not on call
        for all of the time already, one they take turns in, else the first."""
        free = [stretch for stretch in stretches if not stretch.held_by(contact_arn)]
        if not free:
            raise InvalidInput(
                f"<@{covering}> is on call for `{schedule.alias}` for all of that time already."
            )
        for stretch in free:
            if contact_arn in await self.contacts.rotation_members(stretch.rotation_id):
                return stretch
        return free[0]

    async def _require_responder(
        self, by: str, covering: str, covering_arn: str, schedule: Contact, stretch: Stretch
    ) -> None:
        """Someone else's shift: only responders and admins may put a person on call over it."""
        displaced = [arn for arn in stretch.on_call() if arn != covering_arn]
        users = [await self.people.slack_user_for(arn, alias_of(arn)) for arn in displaced]
        names = [
            f"<@{u}>" if u else f"`{alias_of(a)}`" for a, u in zip(displaced, users, strict=True)
        ]
        whose = f" over {', '.join(names)}" if names else ""
        what = f"put <@{covering}> on call for `{schedule.alias}`{whose}"
        decision = await self.permissions.decide(by, Right.RESPONDER, None, what)
        if not decision.allowed:
            raise Refused(
                f"{decision.refusal} You may hand over only a time you are on call for all of "
                "yourself. To take someone's shift, ask them to press **Cover for me** on their "
                f"hand-off, or to run `/incident cover {schedule.alias} <@{by}> <from> <to>`."
            )

    async def _override(
        self,
        schedule: Contact,
        stretch: Stretch,
        covering: str,
        covering_arn: str,
        covered_arn: str | None,
        token: str,
        by: str,
    ) -> Cover:
        """The override on the stretch's rotation: ``covering`` instead of ``covered_arn`` (the
        others on call with them stay), or instead of everyone on call (``covered_arn`` None)."""
        if covered_arn is None:
            new, displaced = [covering_arn], [a for a in stretch.on_call() if a != covering_arn]
        else:
            companions = stretch.companions(covered_arn)
            if len(companions) > 1:
                raise InvalidInput(
                    "The people on call with you change during that time: cover each part on "
                    f"its own (`/incident oncall {schedule.alias}` shows when)."
                )
            others = [a for a in next(iter(companions), ()) if a != covering_arn]
            new, displaced = [*others, covering_arn], [covered_arn]
        covered = await self._users(displaced)
        override_id = await self.contacts.create_override(
            stretch.rotation_id, new, stretch.start, stretch.end, token
        )
        log.info(
            "override %s on %s (%s): %s covers %s from %s to %s (by %s)",
            override_id,
            schedule.alias,
            stretch.rotation_id,
            covering,
            covered,
            stretch.start,
            stretch.end,
            by,
        )
        return Cover(schedule, override_id, covering, covered, stretch.start, stretch.end)

    async def _users(self, contact_arns: Sequence[str]) -> tuple[str, ...]:
        users = [await self.people.slack_user_for(arn, alias_of(arn)) for arn in contact_arns]
        return tuple(dict.fromkeys(user for user in users if user))

    async def overrides(
        self, reference: str
    ) -> tuple[Contact, list[tuple[Override, tuple[str, ...]]]]:
        """A schedule's overrides from now on, each with its people's Slack users."""
        schedule = await self.on_call.schedule(reference)
        now = datetime.now(UTC)
        found = []
        for rotation in schedule.rotation_ids:
            for override in await self.contacts.overrides(rotation, now, now + OVERRIDES_AHEAD):
                found.append((override, await self._users(override.contact_arns)))
        return schedule, sorted(found, key=lambda pair: pair[0].start)

    async def remove(self, rotation_id: str, override_id: str, by: str) -> Override:
        """Remove an override: its own people, the people it displaces (the rotation's own for
        its time), responders and admins may. Both sides are told."""
        now = datetime.now(UTC)
        found = await self.contacts.overrides(
            rotation_id, now - OVERRIDES_AHEAD, now + OVERRIDES_AHEAD
        )
        override = next((o for o in found if o.override_id == override_id), None)
        if override is None:
            raise NotFound("That override is gone already: nothing to remove.")
        shifts = await self.contacts.shifts(rotation_id, override.start, override.end)
        own = await self._users(override.contact_arns)
        displaced = await self._users(
            [arn for s in shifts if s.overridden for arn in s.replaced if arn not in s.contact_arns]
        )
        if by not in own + displaced:
            decision = await self.permissions.decide(
                by, Right.RESPONDER, None, "remove someone's cover"
            )
            if not decision.allowed:
                raise Refused(
                    f"{decision.refusal} So may the cover's own people and the people it puts "
                    "off call."
                )
        await self.contacts.delete_override(rotation_id, override_id)
        log.info("override %s on %s removed by %s", override_id, rotation_id, by)
        back = tuple(user for user in displaced if user not in own)
        await self.bus.publish(OverrideRemoved(override, by, own, back))
        return override
