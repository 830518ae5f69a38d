"""A declaration as the store keeps it: the form, each step's state, the incident once
StartIncident answered, and the lease of the one worker running it now."""

from __future__ import annotations

import contextlib
import enum
import json
import time
from dataclasses import asdict, dataclass

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from bot.store.database import Database
from bot.store.schema import DeclarationRow, DeclarationStepRow, IncidentChannel
from bot.vocabulary import StepState


@dataclass(frozen=True)
class Declaration:
    """A filled-in declare modal."""

    title: str
    impact: int
    plan_arn: str
    summary: str
    create_channel: bool
    declarer: str
    client_token: str


class DeclarationStep(enum.StrEnum):
    """A declaration's steps, in the order they run; the values are the names the store keeps."""

    START = "start"
    SUMMARY = "summary"
    CHANNEL = "channel"
    INVITE = "invite"
    CARD = "card"
    PIN = "pin"
    RELATED = "related"
    NOTE = "note"
    ANNOUNCE = "announce"


class DeclarationRecords:
    """The ``declarations`` and ``declaration_steps`` rows of each declaration."""

    def __init__(self, database: Database, lease_seconds: float) -> None:
        self.database = database
        self.lease_seconds = lease_seconds  # a worker that stops renewing it this long has died

    async def record(
        self, form: Declaration, origin: str | None, steps: list[DeclarationStep]
    ) -> None:
        """Keep the form and its steps, all pending; a form recorded already is left as it is
        (Slack delivered it again)."""
        with contextlib.suppress(IntegrityError):
            await self._add(form, origin, steps)

    async def adopt(self, arn: str, form: Declaration, steps: list[DeclarationStep]) -> bool:
        """Claim an incident started in AWS (its ``incident_channels`` row) and keep its
        declaration, StartIncident done already; False when it is claimed already."""
        try:
            await self._add(form, None, steps, claimed=arn)
        except IntegrityError:
            return False
        return True

    async def _add(
        self,
        form: Declaration,
        origin: str | None,
        steps: list[DeclarationStep],
        claimed: str | None = None,
    ) -> None:
        async with self.database.write() as session:
            if claimed:
                session.add(IncidentChannel(incident_arn=claimed))
            session.add(
                DeclarationRow(
                    token=form.client_token,
                    incident_arn=claimed,
                    declarer=form.declarer,
                    origin_channel=origin,
                    form=json.dumps(asdict(form)),
                    settled=False,
                )
            )
            await session.flush()
            session.add_all(
                DeclarationStepRow(
                    token=form.client_token,
                    step=step,
                    attempts=0,
                    state=StepState.DONE
                    if claimed and step == DeclarationStep.START
                    else StepState.PENDING,
                )
                for step in steps
            )

    async def unsettled(self) -> list[str]:
        """The tokens of the declarations with a step still pending."""
        async with self.database.session() as session:
            query = select(DeclarationRow.token).where(DeclarationRow.settled.is_(False))
            return list((await session.scalars(query)).all())

    async def starting(self) -> bool:
        """Whether a Slack declaration's StartIncident is under way (or to be retried)."""
        async with self.database.session() as session:
            return bool(
                await session.scalar(
                    select(DeclarationStepRow.token)
                    .where(
                        DeclarationStepRow.step == DeclarationStep.START,
                        DeclarationStepRow.state == StepState.PENDING,
                    )
                    .limit(1)
                )
            )

    async def row(self, token: str) -> DeclarationRow:
        async with self.database.session() as session:
            row = await session.get(DeclarationRow, token)
        assert row is not None
        return row

    async def form(self, token: str) -> Declaration:
        return Declaration(**json.loads((await self.row(token)).form))

    async def arn(self, token: str) -> str:
        """The declared incident (the start step came first)."""
        arn = (await self.row(token)).incident_arn
        assert arn is not None
        return arn

    async def steps(self, token: str) -> dict[DeclarationStep, DeclarationStepRow]:
        async with self.database.session() as session:
            rows = await session.scalars(
                select(DeclarationStepRow).where(DeclarationStepRow.token == token)
            )
            return {DeclarationStep(row.step): row for row in rows}

    async def started(self, token: str, arn: str) -> None:
        """StartIncident answered ``arn``: kept, and the incident claimed for this declaration
        (kept already when it was before a crash)."""
        async with self.database.write() as session:
            await session.execute(
                update(DeclarationRow).where(DeclarationRow.token == token).values(incident_arn=arn)
            )
        try:
            async with self.database.write() as session:
                session.add(IncidentChannel(incident_arn=arn))
        except IntegrityError:  # recorded before a crash
            pass

    async def set(self, token: str, step: DeclarationStep, **values: object) -> None:
        async with self.database.write() as session:
            await session.execute(
                update(DeclarationStepRow)
                .where(DeclarationStepRow.token == token, DeclarationStepRow.step == step)
                .values(**values)
            )

    async def lease(self, token: str, renew: bool = False) -> bool:
        """Take (or renew) the right to run this declaration's steps for a while."""
        now = time.time()
        condition = (
            DeclarationRow.claimed_until.is_not(None)
            if renew
            else or_(DeclarationRow.claimed_until.is_(None), DeclarationRow.claimed_until < now)
        )
        async with self.database.write() as session:
            result = await session.execute(
                update(DeclarationRow)
                .where(DeclarationRow.token == token, DeclarationRow.settled.is_(False), condition)
                .values(claimed_until=now + self.lease_seconds)
            )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def release(self, token: str, settled: bool = False) -> None:
        """Give the lease back; a declaration with nothing left to try is settled."""
        values: dict[str, object] = {"claimed_until": None}
        if settled:
            values["settled"] = True
        async with self.database.write() as session:
            await session.execute(
                update(DeclarationRow).where(DeclarationRow.token == token).values(**values)
            )

    async def forget(self, token: str) -> None:
        """StartIncident refused: the declaration never was."""
        async with self.database.write() as session:
            for table in (DeclarationStepRow, DeclarationRow):
                await session.execute(delete(table).where(table.token == token))
