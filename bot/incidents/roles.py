"""Roles in an incident (commander, communications, …): who holds which, kept in the store."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select

from bot.errors import InvalidInput, NotFound
from bot.mrkdwn import escape
from bot.store.database import Database
from bot.store.schema import IncidentRole

SLACKBOT = "USLACKBOT"
NO_SUCH_USER = frozenset({"user_not_found", "user_not_visible"})


async def real_person(slack: AsyncWebClient, user_id: str) -> None:
    """``user_id`` is a person in the workspace now (``users.info``: there, not a bot, not
    deactivated), else InvalidInput saying which and what to do."""
    try:
        user = (await slack.users_info(user=user_id))["user"]
    except SlackApiError as exc:
        error = exc.response.get("error")
        if error in NO_SUCH_USER:
            raise InvalidInput(
                f"`{escape(user_id)}` is nobody in this workspace: mention the person "
                "(`@name`) to give them the role."
            ) from None
        raise InvalidInput(
            f"Slack would not say who <@{user_id}> is ({error}), so the role was not given. "
            "Try again in a minute."
        ) from None
    if user.get("is_bot") or user_id == SLACKBOT:
        raise InvalidInput(f"<@{user_id}> is a bot: a role goes to a person.")
    if user.get("deleted"):
        raise InvalidInput(f"<@{user_id}> is deactivated in Slack: give the role to someone else.")


class Roles:
    def __init__(self, database: Database, names: list[str]) -> None:
        self.database = database
        self.names = names

    def check(self, role: str) -> str:
        """``role`` as configured (``ROLES``); anything else is refused, naming the choices."""
        name = role.strip().lower()
        if name not in self.names:
            choices = ", ".join(f"`{n}`" for n in self.names)
            raise InvalidInput(f"`{escape(role)}` is not a role here: choose one of {choices}.")
        return name

    async def assign(self, arn: str, role: str, user_id: str, by: str) -> str | None:
        """Give ``role`` to ``user_id``; who held it before (None when nobody did)."""
        async with self.database.write() as session:
            row = await session.get(IncidentRole, (arn, role))
            before = row.slack_user_id if row else None
            if row is None:
                session.add(
                    IncidentRole(incident_arn=arn, role=role, slack_user_id=user_id, assigned_by=by)
                )
            else:
                row.slack_user_id, row.assigned_by = user_id, by
        return before

    async def held(self, arn: str) -> dict[str, str]:
        """Role → the Slack user holding it, in the configured order."""
        async with self.database.session() as session:
            rows = (
                await session.scalars(select(IncidentRole).where(IncidentRole.incident_arn == arn))
            ).all()
        holders = {row.role: row.slack_user_id for row in rows}
        return {name: holders[name] for name in self.names if name in holders}

    async def holder(self, arn: str, role: str) -> str:
        """The Slack user holding ``role``; NotFound, saying how to assign it, when nobody does."""
        holder = (await self.held(arn)).get(role)
        if holder is None:
            raise NotFound(
                f"Nobody holds the {role} role in this incident: "
                f"`/incident role {role} @someone` assigns it."
            )
        return holder
