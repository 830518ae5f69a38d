"""Covering a shift: a rotation override (``CreateRotationOverride``) putting someone on call
instead, listed and removed again; who may is the covered, the covering, responders and admins."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.aws.contacts import ContactsPort
from bot.contacts import Contact, Override, alias_of
from bot.errors import InvalidInput, NotFound
from bot.oncall.shifts import OnCall
from bot.people import People
from bot.permissions import Permissions, Right

log = logging.getLogger(__name__)

OVERRIDES_AHEAD = timedelta(days=90)  # how far ahead ``/incident overrides`` looks


@dataclass(frozen=True)
class Cover:
    """An override made: who covers whom, on which schedule, when."""

    schedule: Contact
    override_id: str
    covering: str  # Slack user
    covered: tuple[str, ...]  # Slack users of the people on call before it
    start: datetime
    end: datetime


class Covers:
    def __init__(
        self,
        contacts: ContactsPort,
        people: People,
        on_call: OnCall,
        permissions: Permissions,
        slack: AsyncWebClient,
    ) -> None:
        self.contacts = contacts
        self.slack = slack
        self.people = people
        self.on_call = on_call
        self.permissions = permissions

    async def _rotation_of(self, user_id: str, rotation_ids: Sequence[str]) -> tuple[str, str]:
        """The rotation ``user_id`` is a member of (the first one, when several or none are),
        and their contact: linked, else found among the members' own links (the contact map
        file, their EMAIL channels)."""
        linked = await self.people.contact_for(user_id)
        for rotation_id in rotation_ids:
            for member in await self.contacts.rotation_members(rotation_id):
                if member == linked or (
                    linked is None
                    and await self.people.slack_user_for(member, alias_of(member)) == user_id
                ):
                    return rotation_id, member
        if linked is None:
            raise NotFound(
                f"<@{user_id}> is not linked to an Incident Manager contact, so they cannot go "
                "on call. They can run `/incident link-me <contact-alias>`."
            )
        return rotation_ids[0], linked

    async def _users(self, contact_arns: tuple[str, ...] | list[str]) -> tuple[str, ...]:
        users = [await self.people.slack_user_for(arn, alias_of(arn)) for arn in contact_arns]
        return tuple(dict.fromkeys(user for user in users if user))

    async def cover(
        self, reference: str, covering: str, start: datetime, end: datetime, by: str, token: str
    ) -> Cover:
        """Put ``covering`` on call, on the schedule's rotation they belong to, from ``start`` to
        ``end``."""
        schedule = await self.on_call.schedule(reference)
        if not schedule.rotation_ids:
            raise InvalidInput(f"`{schedule.alias}` has no rotation to cover.")
        rotation, contact_arn = await self._rotation_of(covering, schedule.rotation_ids)
        shifts = await self.on_call.duties(rotation, start, end)
        covered_arns = [a for d in shifts for a in d.contact_arns if a != contact_arn]
        covered = await self._users(list(dict.fromkeys(covered_arns)))
        if by != covering and by not in covered:
            what = f"put <@{covering}> on call for `{schedule.alias}`"
            await self.permissions.require(by, Right.RESPONDER, None, what)
        override_id = await self.contacts.create_override(rotation, contact_arn, start, end, token)
        log.info(
            "override %s on %s: %s covers %s from %s to %s (by %s)",
            override_id,
            schedule.alias,
            covering,
            covered,
            start,
            end,
            by,
        )
        return Cover(schedule, override_id, covering, covered, start, end)

    async def confirm(self, cover: Cover, text: str, told: str | None = None) -> None:
        """DM ``text`` to the covering and the covered person (but ``told``, answered already);
        a DM Slack refuses is logged: the override stands."""
        for user in dict.fromkeys((cover.covering, *cover.covered)):
            if user == told:
                continue
            try:
                await self.slack.chat_postMessage(channel=user, text=text)
            except SlackApiError as exc:
                log.error("could not confirm the cover to %s: %s", user, exc)

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
        """Remove an override: its own people, responders and admins may."""
        now = datetime.now(UTC)
        found = await self.contacts.overrides(
            rotation_id, now - OVERRIDES_AHEAD, now + OVERRIDES_AHEAD
        )
        override = next((o for o in found if o.override_id == override_id), None)
        if override is None:
            raise NotFound("That override is gone already: nothing to remove.")
        if by not in await self._users(override.contact_arns):
            await self.permissions.require(by, Right.RESPONDER, None, "remove someone's cover")
        await self.contacts.delete_override(rotation_id, override_id)
        log.info("override %s on %s removed by %s", override_id, rotation_id, by)
        return override
