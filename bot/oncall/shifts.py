"""Who is on call now, until when, and who is next, per on-call schedule (``ListRotationShifts``,
overrides included); and who an escalation plan's stages would page now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.aws.contacts import ContactsPort
from bot.contacts import Contact, Shift, alias_of
from bot.errors import InvalidInput
from bot.escalation.plan import stages_of
from bot.mrkdwn import escape
from bot.people import People
from bot.vocabulary import ContactType

LOOK_AHEAD = timedelta(days=30)  # how far ahead the next shift is looked for


@dataclass(frozen=True)
class Duty:
    """People on call together: from ``start`` until ``end`` (runs of the same people merged)."""

    contact_arns: tuple[str, ...]
    start: datetime
    end: datetime
    overridden: bool


@dataclass(frozen=True)
class Rota:
    """One rotation of a schedule: who is on call now and who is next."""

    now: Duty | None
    next: Duty | None


@dataclass(frozen=True)
class ScheduleOnCall:
    schedule: Contact
    rotas: tuple[Rota, ...]


@dataclass(frozen=True)
class StageOnCall:
    """A stage of a plan: each target's alias and who it would page now."""

    minutes: int | None
    targets: tuple[tuple[str, bool, tuple[str, ...]], ...]  # (alias, essential, contact arns)


def duties(shifts: list[Shift]) -> list[Duty]:
    """Consecutive shifts of the same people merged into one duty each."""
    merged: list[Duty] = []
    for shift in sorted(shifts, key=lambda s: s.start):
        last = merged[-1] if merged else None
        if last and last.contact_arns == shift.contact_arns and last.end == shift.start:
            merged[-1] = Duty(last.contact_arns, last.start, shift.end, last.overridden)
        else:
            merged.append(Duty(shift.contact_arns, shift.start, shift.end, shift.overridden))
    return merged


class OnCall:
    def __init__(self, contacts: ContactsPort, people: People) -> None:
        self.contacts = contacts
        self.people = people

    async def schedules(self) -> list[Contact]:
        return [await self.contacts.contact(arn) for arn in await self.contacts.schedule_arns()]

    async def schedule(self, reference: str) -> Contact:
        contact = await self.people.contact(reference)
        if contact.type != ContactType.ONCALL_SCHEDULE:
            raise InvalidInput(
                f"`{escape(contact.alias)}` is not an on-call schedule. "
                "`/incident oncall` lists them all."
            )
        return contact

    async def duties(self, rotation_id: str, start: datetime, end: datetime) -> list[Duty]:
        return duties(await self.contacts.shifts(rotation_id, start, end))

    async def of(self, schedule: Contact, at: datetime | None = None) -> ScheduleOnCall:
        at = at or datetime.now(UTC)
        rotas = []
        for rotation in schedule.rotation_ids:
            found = await self.duties(rotation, at, at + LOOK_AHEAD)
            now = next((d for d in found if d.start <= at < d.end), None)
            later = [d for d in found if d.start > at and d.contact_arns]
            rotas.append(Rota(now if now and now.contact_arns else None, next(iter(later), None)))
        return ScheduleOnCall(schedule, tuple(rotas))

    async def stages_now(self, plan: Contact) -> list[StageOnCall]:
        """An escalation plan's stages, each schedule target resolved to who is on call now."""
        stages = []
        for stage in stages_of(plan):
            targets = []
            for target in stage.targets:
                contact = await self.contacts.contact(target.contact_arn)
                if contact.type == ContactType.ONCALL_SCHEDULE:
                    arns = tuple(await self.people.on_call_now(contact))
                else:
                    arns = (contact.arn,)
                targets.append((target.alias, target.essential, arns))
            stages.append(StageOnCall(stage.minutes, tuple(targets)))
        return stages

    async def next_duties(self, user_id: str, count: int) -> list[tuple[Contact, Duty]]:
        """A Slack user's next duties (the current one included) in every schedule, soonest
        first."""
        at = datetime.now(UTC)
        found: list[tuple[Contact, Duty]] = []
        for schedule in await self.schedules():
            for rotation in schedule.rotation_ids:
                for duty in await self.duties(rotation, at, at + LOOK_AHEAD):
                    for arn in duty.contact_arns:
                        if await self.people.slack_user_for(arn, alias_of(arn)) == user_id:
                            found.append((schedule, duty))
                            break
        return sorted(found, key=lambda pair: pair[1].start)[:count]
