"""Who may do what to which incident: the one policy every surface asks before it acts.

- ``ANYONE``: help, whois, link-me, unlink-me.
- ``MEMBER`` (declare, list) and ``READ`` (one incident): every member, or only
  ``MEMBER_GROUP`` (and admins) when it is set; an incident whose channel is private is
  readable only by its channel's members and admins.
- ``CHANGE`` (change, page, stop paging): its channel's members, its responders (anyone paged
  or acknowledging for it), ``RESPONDER_USER_IDS``, ``RESPONDER_GROUP`` and ``ADMIN_GROUP``; an
  incident with no channel, anyone who may declare.
- ``ADMIN`` (link someone else to a contact): ``ADMIN_GROUP`` only.
- ``RESPONDER`` (cover someone else's shift): ``RESPONDER_USER_IDS``, ``RESPONDER_GROUP`` and
  ``ADMIN_GROUP``.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import or_, select

from bot.config import Settings
from bot.directory import Directory
from bot.errors import Refused, SlackRefused
from bot.store.database import Database
from bot.store.schema import IncidentChannel, PageNotice

log = logging.getLogger(__name__)

GROUP_CACHE_SECONDS = 30.0  # how long a user group's members are trusted


class Right(StrEnum):
    ANYONE = "anyone"
    MEMBER = "member"
    READ = "read"
    CHANGE = "change"
    ADMIN = "admin"
    RESPONDER = "responder"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    refusal: str = ""  # for a refusal: who may, as the person will read it


ALLOWED = Decision(True)


class Permissions:
    def __init__(self, settings: Settings, directory: Directory, database: Database) -> None:
        self.settings = settings
        self.directory = directory
        self.database = database
        self._groups: dict[str, tuple[float, set[str]]] = {}

    async def decide(
        self, user_id: str, right: Right, incident_arn: str | None = None, what: str = "do that"
    ) -> Decision:
        """May ``user_id`` ``what`` (with ``right``) on the incident, and if not, who may."""
        if right == Right.ANYONE:
            return ALLOWED
        admin = await self._in_group(user_id, self.settings.admin_group)
        if right == Right.ADMIN:
            return ALLOWED if admin else Decision(False, self._admins_only(what))
        if right == Right.RESPONDER:
            if admin or await self._responder(user_id, ""):
                return ALLOWED
            return Decision(False, self._responders_only(what))
        if not admin and not await self._member(user_id):
            group = f"<!subteam^{self.settings.member_group}>"
            return Decision(False, f"Only members of {group} and admins may {what}.")
        channel = await self._channel(incident_arn) if incident_arn else None
        if right in (Right.MEMBER, Right.READ):
            if admin or channel is None or not await self._private(channel):
                return ALLOWED
            if user_id in await self.directory.channel_members(channel):
                return ALLOWED
            return Decision(
                False,
                f"This incident's channel is private: only its members and admins may {what} "
                "on it.",
            )
        if channel is None or admin or await self._responder(user_id, incident_arn or ""):
            return ALLOWED
        if user_id in await self.directory.channel_members(channel):
            return ALLOWED
        return Decision(False, self._changers(channel, what))

    async def require(
        self, user_id: str, right: Right, incident_arn: str | None, what: str
    ) -> None:
        """``decide``, raising ``Refused`` (told as a warning, nothing changed) on a refusal."""
        decision = await self.decide(user_id, right, incident_arn, what)
        if not decision.allowed:
            raise Refused(decision.refusal)

    async def may_see(self, user_id: str, incident_arn: str) -> bool:
        return (await self.decide(user_id, Right.READ, incident_arn)).allowed

    def _admins_only(self, what: str) -> str:
        if self.settings.admin_group:
            return f"Only members of <!subteam^{self.settings.admin_group}> (admins) may {what}."
        return f"Only admins may {what}, and none are set: ask whoever runs incident-bot."

    def _responders_only(self, what: str) -> str:
        who = [f"<@{user}>" for user in self.settings.responder_user_ids]
        for group, role in (
            (self.settings.responder_group, "responders"),
            (self.settings.admin_group, "admins"),
        ):
            if group:
                who.append(f"members of <!subteam^{group}> ({role})")
        return f"Only {' or '.join(who) or 'responders and admins'} may {what}."

    def _changers(self, channel: str, what: str) -> str:
        who = [f"members of <#{channel}>", "the people paged for this incident"]
        who += [f"<@{user}>" for user in self.settings.responder_user_ids]
        for group, role in (
            (self.settings.responder_group, "responders"),
            (self.settings.admin_group, "admins"),
        ):
            if group:
                who.append(f"members of <!subteam^{group}> ({role})")
        return (
            f"Only {', '.join(who[:-1])} or {who[-1]} may {what} on this incident. "
            "Nothing was changed."
        )

    async def _member(self, user_id: str) -> bool:
        group = self.settings.member_group
        return group is None or await self._in_group(user_id, group)

    async def _responder(self, user_id: str, incident_arn: str) -> bool:
        if user_id in self.settings.responder_user_ids:
            return True
        if await self._in_group(user_id, self.settings.responder_group):
            return True
        async with self.database.session() as session:
            found = await session.scalar(
                select(PageNotice.id)
                .where(PageNotice.incident_arn == incident_arn)
                .where(
                    or_(PageNotice.slack_user_id == user_id, PageNotice.acknowledged_by == user_id)
                )
                .limit(1)
            )
        return found is not None

    async def _in_group(self, user_id: str, group: str | None) -> bool:
        if group is None:
            return False
        seen = self._groups.get(group)
        if seen is None or seen[0] < time.monotonic():
            try:
                members = await self.directory.members_of(group)
            except SlackRefused as refused:
                log.error("cannot read the members of user group %s: %s", group, refused.code)
                return False
            seen = (time.monotonic() + GROUP_CACHE_SECONDS, members)
            self._groups[group] = seen
        return user_id in seen[1]

    async def _channel(self, incident_arn: str) -> str | None:
        async with self.database.session() as session:
            row = await session.get(IncidentChannel, incident_arn)
        return row.channel_id if row else None

    async def _private(self, channel: str) -> bool:
        try:
            return await self.directory.is_private(channel)
        except SlackRefused as refused:
            log.warning("cannot tell whether %s is private: %s", channel, refused.code)
            return True  # unknown: treat it as private
