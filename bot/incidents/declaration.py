"""Declaring an incident as recorded steps: each one written once, and a declaration that a
refusal or a crash interrupted finished by whoever runs it next (a redelivered form, the
periodic sweep, the next start), its declarer told exactly what exists and what is missing."""

from __future__ import annotations

import logging

from bot.errors import DomainError, ServiceUnavailable, SlackRefused, Throttled
from bot.events import Bus
from bot.incidents.declaration_record import Declaration, DeclarationRecords, DeclarationStep
from bot.incidents.declaration_steps import STEPS, DeclarationSteps
from bot.incidents.events import DeclarationFinished, DeclarationRefused
from bot.incidents.outcome import Outcome
from bot.incidents.record import Incident
from bot.incidents.service import IncidentService
from bot.tokens import client_token as token
from bot.vocabulary import StepState

log = logging.getLogger(__name__)

START = DeclarationStep.START
MAX_ATTEMPTS = 10
UNEXPECTED = "an unexpected error, in the bot's log"  # its text is for the log, not people
CHANNEL_STEPS = [  # the channel and what is done in it
    DeclarationStep.CHANNEL,
    DeclarationStep.INVITE,
    DeclarationStep.CARD,
    DeclarationStep.PIN,
    DeclarationStep.RELATED,
]


def refusal(exc: Exception) -> tuple[bool, str]:
    """Whether a step's failure is for good (a missing permission or scope, a bad request),
    and why, in words the declarer can act on."""
    if isinstance(exc, SlackRefused):
        return exc.for_good, exc.message
    if isinstance(exc, Throttled | ServiceUnavailable):
        return False, exc.message
    if isinstance(exc, DomainError):
        return True, exc.message
    return False, UNEXPECTED


class Declarations:
    def __init__(
        self,
        incidents: IncidentService,
        records: DeclarationRecords,
        steps: DeclarationSteps,
        bus: Bus,
    ) -> None:
        self.incidents = incidents
        self.records = records
        self.steps = steps
        self.bus = bus

    async def declare(self, declaration: Declaration, origin: str | None) -> Outcome | None:
        """Record the form and run its steps; None when another worker is running them now.

        A step refused for good is reported and left; one that failed for now is retried by
        the sweep. StartIncident refused means nothing exists: that is raised, as before.
        """
        steps = [START]
        steps += [DeclarationStep.SUMMARY] if declaration.summary else []
        steps += CHANNEL_STEPS if declaration.create_channel else []
        steps += [DeclarationStep.NOTE]
        steps += self._announce()
        await self.records.record(declaration, origin, steps)
        return await self._run(declaration.client_token)

    async def adopt(self, incident: Incident) -> Outcome | None:
        """Give an incident started outside Slack the channel, card, related item and
        announcement of a declaration: its ``start`` step is done already. None when the
        incident is claimed already (declared in Slack, or adopted by another worker)."""
        form = Declaration(
            title=incident.title,
            impact=incident.impact,
            plan_arn=incident.response_plan,
            summary="",
            create_channel=True,
            declarer="",  # nobody in Slack declared it
            client_token=token("adopted", incident.arn),
        )
        steps = [START, *(s for s in CHANNEL_STEPS if s != DeclarationStep.INVITE)]
        if not await self.records.adopt(incident.arn, form, steps + self._announce()):
            return None
        return await self._run(form.client_token)

    def _announce(self) -> list[DeclarationStep]:
        return [DeclarationStep.ANNOUNCE] if self.incidents.settings.announce_channel else []

    async def starting(self) -> bool:
        """Whether a Slack declaration's StartIncident is under way: its incident may be listed
        in AWS before it is claimed."""
        return await self.records.starting()

    async def finish_pending(self) -> None:
        """Run every unsettled declaration whose worker is gone; tell each declarer the end."""
        for pending in await self.records.unsettled():
            try:
                await self._finish(pending)
            except Exception:
                log.exception("finishing declaration %s failed", pending)

    async def _finish(self, declaration_token: str) -> None:
        row = await self.records.row(declaration_token)
        if not row.declarer:  # adopted from AWS: nobody to tell
            await self._run(declaration_token)
            return
        try:
            outcome = await self._run(declaration_token)
        except DomainError as error:  # StartIncident refused: not declared after all
            reason = f"The incident was not declared: {error.message}"
            await self.bus.publish(DeclarationRefused(row.declarer, row.origin_channel, reason))
            return
        if outcome and outcome.settled and outcome.done_now:
            finished = DeclarationFinished(row.declarer, row.origin_channel, outcome)
            await self.bus.publish(finished)

    async def _run(self, declaration_token: str) -> Outcome | None:
        if not await self.records.lease(declaration_token):
            return None
        done_now: list[str] = []
        settled = False
        try:
            form = await self.records.form(declaration_token)
            steps = await self.records.steps(declaration_token)
            for step in (step for step in DeclarationStep if step in steps):
                if steps[step].state != StepState.PENDING:
                    continue
                if await self._attempt(form, step, steps[step].attempts):
                    done_now.append(step)
                elif step == START:
                    return None  # AWS did not answer after a crash: the sweep asks again
                await self.records.lease(declaration_token, renew=True)
            outcome = await self._outcome(form, done_now)
            settled = outcome.settled
            return outcome
        finally:
            await self.records.release(declaration_token, settled)

    async def _attempt(self, form: Declaration, step: DeclarationStep, attempted: int) -> bool:
        """Try one step, its attempt written before and its result after; True when done."""
        entry, key = STEPS[step], form.client_token
        if entry.needs is not None:
            needed = (await self.records.steps(key))[entry.needs].state
            if needed in (StepState.FAILED, StepState.SKIPPED):
                await self.records.set(key, step, state=StepState.SKIPPED)
                return False
            if needed == StepState.PENDING:
                return False  # what it needs is retried first, next time
        attempts = attempted + 1
        await self.records.set(key, step, attempts=attempts)
        try:
            await entry.run(self.steps, form, attempts > 1)
        except Exception as exc:
            permanent, reason = refusal(exc)
            # StartIncident refused: nothing exists, the declaration is forgotten. Retried after a
            # crash, the incident may exist: only a refusal for good forgets it then.
            if step == START and (permanent or attempts in (1, MAX_ATTEMPTS)):
                await self.records.forget(key)
                raise
            state = StepState.FAILED if permanent or attempts >= MAX_ATTEMPTS else StepState.PENDING
            log.warning(
                "declaring %s: step %s %s: %s",
                form.title,
                step,
                state,
                reason,
                exc_info=exc if reason == UNEXPECTED else None,
            )
            await self.records.set(key, step, state=state, error=reason)
            return False
        await self.records.set(key, step, state=StepState.DONE, error=None)
        return True

    async def _outcome(self, form: Declaration, done_now: list[str]) -> Outcome:
        """What exists and what is missing, from the store alone (AWS may be what failed)."""
        arn = await self.records.arn(form.client_token)
        steps = await self.records.steps(form.client_token)
        return Outcome(
            title=form.title,
            incident_id=arn.rsplit("/", 1)[-1],
            console=self.incidents.console(arn),
            channel_id=await self.incidents.channel_of(arn),
            announce_channel=self.incidents.settings.announce_channel,
            steps={
                str(step): (steps[step].state, steps[step].error)
                for step in DeclarationStep
                if step in steps
            },
            done_now=done_now,
        )
