"""``bot.directory.Directory`` over the Slack Web API: users, their emails and time zones, user
groups and channel members, each refusal raised as ``SlackRefused``."""

from __future__ import annotations

import logging
from datetime import UTC, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.messages import display_name, group_members
from bot.slack.refusals import refusals

log = logging.getLogger(__name__)


class SlackDirectory:
    def __init__(self, slack: AsyncWebClient) -> None:
        self.slack = slack

    async def name_of(self, user_id: str) -> str:
        return await display_name(self.slack, user_id)

    async def user_by_email(self, email: str) -> str:
        with refusals():
            return str((await self.slack.users_lookupByEmail(email=email))["user"]["id"])

    async def _user(self, user_id: str) -> dict[str, Any]:
        with refusals():
            return dict((await self.slack.users_info(user=user_id))["user"])

    async def email_of(self, user_id: str) -> str | None:
        """``users.info``'s profile email (scope ``users:read.email``)."""
        email = ((await self._user(user_id)).get("profile") or {}).get("email")
        return email.strip().lower() if isinstance(email, str) and email.strip() else None

    async def time_zone(self, user_id: str) -> tzinfo:
        """``users.info``'s ``tz``; its ``tz_offset`` when Python knows no zone of that name."""
        user = await self._user(user_id)
        try:
            return ZoneInfo(user["tz"]) if user.get("tz") else UTC
        except (ZoneInfoNotFoundError, ValueError):
            return timezone(timedelta(seconds=int(user.get("tz_offset") or 0)))

    async def members_of(self, group_id: str) -> set[str]:
        with refusals():
            return await group_members(self.slack, group_id)

    async def is_private(self, channel_id: str) -> bool:
        with refusals():
            info = await self.slack.conversations_info(channel=channel_id)
        return bool(info["channel"].get("is_private"))

    async def channel_members(self, channel_id: str) -> set[str]:
        members: set[str] = set()
        cursor = None
        try:
            while True:
                answer = await self.slack.conversations_members(
                    channel=channel_id, cursor=cursor, limit=1000
                )
                members.update(answer.get("members") or [])
                cursor = (answer.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    return members
        except SlackApiError as exc:
            log.warning("cannot read the members of %s: %s", channel_id, exc)
            return members
