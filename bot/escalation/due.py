"""Stages that fell due together, claimed together (a due wave, gathered by ``DueWaves``):
one read of their escalations, one transaction taking every stage with its pages' claims,
then the engagements side by side and the DMs after them (``WaveGate``)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Collection

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.escalation import rows
from bot.escalation.answers import AnswersInAws
from bot.escalation.engaging import Engaging, FirstStages, stage_notice
from bot.escalation.notices import now, sending
from bot.escalation.plan import Stage, load_stages
from bot.escalation.runner import EscalationRunner, stage_taken
from bot.escalation.timers import StageTimers
from bot.escalation.wave import Due, WaveGate
from bot.incidents.record import Incident
from bot.incidents.service import IncidentService
from bot.store.database import Database
from bot.store.schema import Escalation
from bot.vocabulary import EscalationState


class DueStages:
    def __init__(
        self,
        database: Database,
        incidents: IncidentService,
        runner: EscalationRunner,
        engaging: Engaging,
        answers: AnswersInAws,
        timers: StageTimers,
        first_stages: FirstStages,
    ) -> None:
        self.database = database
        self.incidents = incidents
        self.runner = runner
        self.engaging = engaging
        self.answers = answers
        self.timers = timers
        self.first_stages = first_stages
        self._pages_first = WaveGate()  # due waves' DMs after their pages

    async def claim_wave(self, due: Collection[Due]) -> dict[Due, Awaitable[object]]:
        """Stages that fell due together, claimed at once: one read of their escalations, one
        transaction that takes each stage (the same compare-and-set as ``advance``) with its
        targets' page claims; then what is left of each claimed stage (engage, DM, status),
        keyed by (escalation, stage). A stage the fast way cannot take (its incident resolved
        or unread, a page of it answered in AWS, a claim left by a crash) goes the one-by-one
        way of ``advance``; one no longer due is left out."""
        wanted = {eid: stage for eid, stage in due if not self.first_stages.taken(eid, stage)}
        async with self.database.session() as session:
            found = (
                await session.scalars(select(Escalation).where(Escalation.id.in_(list(wanted))))
            ).all()
        ready = {
            e.id: e
            for e in found
            if e.state == EscalationState.RUNNING and e.current_stage == wanted[e.id] - 1
        }
        arns = list(dict.fromkeys(e.incident_arn for e in ready.values()))
        read = await asyncio.gather(*(self.incidents.get(a) for a in arns), return_exceptions=True)
        incidents = {a: i for a, i in zip(arns, read, strict=True) if isinstance(i, Incident)}
        slow = {
            eid
            for eid, e in ready.items()
            if e.incident_arn not in incidents or not incidents[e.incident_arn].is_open
        }
        engaged = await rows.essential_engagements(
            self.database, (e for e in ready if wanted[e] > 0)
        )
        answered = await asyncio.gather(
            *(
                self.answers.who(arns, self.timers.read_ahead_since(ready[eid]), urgent=True)
                for eid, arns in engaged.items()
            )
        )
        slow |= {eid for eid, who in zip(engaged, answered, strict=True) if who}
        fast = {eid: e for eid, e in ready.items() if eid not in slow}
        claimed = await self._claim_stages(fast, wanted, incidents)
        if claimed is None:  # a claim taken before (a crash): each its own way
            claimed, slow = {}, slow | set(fast)
        work: dict[Due, Awaitable[object]] = {
            (eid, wanted[eid]): self.runner.advance(eid, wanted[eid]) for eid in slow
        }
        engaging = [e for e, _ in claimed.values() if e.state != EscalationState.EXHAUSTED]
        self._pages_first.expect(len(engaging))
        for eid, (escalation, stages) in claimed.items():
            incident = incidents[escalation.incident_arn]
            work[(eid, wanted[eid])] = self.engaging.taken(
                escalation, stages, incident, wave=self._pages_first
            )
        return work

    async def read_ahead(self, due: Collection[Due]) -> dict[Due, Awaitable[object]]:
        """Stages about to fall due: whether anyone answered their escalations' pages in AWS,
        read now (their engagements found in one read), so their due wave need not ask."""
        engaged = await rows.essential_engagements(
            self.database, (eid for eid, stage in due if stage > 0)
        )
        return {(eid, stage): self.answers.read(engaged.get(eid, [])) for eid, stage in due}

    async def _claim_stages(
        self, ready: dict[str, Escalation], wanted: dict[str, int], incidents: dict[str, Incident]
    ) -> dict[str, tuple[Escalation, list[Stage]]] | None:
        """One transaction: each stage taken if it is still the next one, with its targets'
        page claims; the escalations taken (as they are now) with their stages. None when one
        of the claims existed already (then nothing is taken)."""
        stages = {eid: load_stages(e.stages) for eid, e in ready.items()}
        groups: dict[tuple[int, bool], list[str]] = {}
        for eid in ready:
            groups.setdefault((wanted[eid], wanted[eid] >= len(stages[eid])), []).append(eid)
        started = now()
        taken: dict[str, tuple[Escalation, list[Stage]]] = {}
        try:
            async with self.database.write(urgent=True) as session:
                for (stage, finished), ids in groups.items():
                    values = stage_taken(stage, finished, started)
                    won = await session.scalars(
                        update(Escalation)
                        .where(
                            Escalation.id.in_(ids),
                            Escalation.current_stage == stage - 1,
                            Escalation.state == EscalationState.RUNNING,
                        )
                        .values(**values)
                        .returning(Escalation.id)
                        .execution_options(synchronize_session=False)
                    )
                    for eid in won.all():
                        escalation = ready[eid]
                        escalation.current_stage, escalation.stage_started_at = stage, started
                        if finished:
                            escalation.state = EscalationState.EXHAUSTED
                        else:
                            incident = incidents[escalation.incident_arn]
                            session.add_all(
                                sending(stage_notice(escalation, stage, target, incident))
                                for target in stages[eid][stage].targets
                            )
                        taken[eid] = (escalation, stages[eid])
        except IntegrityError:
            return None
        return taken
