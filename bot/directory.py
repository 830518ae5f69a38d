"""Who people are in Slack, as the domain asks it: the port ``People``, ``Permissions`` and the
on-call times read through, answered by the Slack side (``bot/presenters/directory.py``).

Every method raises ``SlackRefused`` (``bot.errors``) when Slack refuses, never a slack_sdk
error: what a refusal means (nobody, UTC, treat as private) is the domain's to decide."""

from __future__ import annotations

from datetime import tzinfo
from typing import Protocol


class Directory(Protocol):
    async def name_of(self, user_id: str) -> str:
        """A person's name as messages and AWS notes show it (their id when Slack won't say)."""
        ...

    async def user_by_email(self, email: str) -> str:
        """The Slack user with this email (``users_not_found`` refused: nobody has it)."""
        ...

    async def email_of(self, user_id: str) -> str | None:
        """The person's email, lower-cased; None when Slack shows none."""
        ...

    async def time_zone(self, user_id: str) -> tzinfo:
        """The person's Slack time zone; UTC when they have none set."""
        ...

    async def members_of(self, group_id: str) -> set[str]:
        """A user group's members."""
        ...

    async def is_private(self, channel_id: str) -> bool: ...

    async def channel_members(self, channel_id: str) -> set[str]:
        """The members of a channel: as many as Slack listed (a refusal partway is logged and
        what was read returned)."""
        ...
