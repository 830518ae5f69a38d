"""Roles in an incident (commander, communications, …): who holds which, kept in the store."""

from __future__ import annotations

from sqlalchemy import select

from bot.errors import InvalidInput, NotFound
from bot.mrkdwn import escape
from bot.store.database import Database
from bot.store.schema import IncidentRole


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
