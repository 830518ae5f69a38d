"""Declaring an incident as recorded steps: each one written once, and a declaration that a
refusal or a crash interrupted finished by whoever runs it next (a redelivered form, the
periodic sweep, the next start), its declarer told exactly what exists and what is missing."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict, dataclass
from datetime import UTC

from slack_sdk.errors import SlackApiError
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from bot.blocks.card import card_blocks, card_text, trigger_text
from bot.blocks.declared import declared_text
from bot.errors import DomainError, ServiceUnavailable, Throttled
from bot.incidents.outcome import Outcome
from bot.incidents.record import Incident, RelatedItem
from bot.incidents.service import IncidentService
from bot.mrkdwn import escape
from bot.slack.channels import channel_name, create_channel, made_before
from bot.slack.messages import display_name, posted
from bot.slack.notify import tell, warn
from bot.slack.outage import SlackUnavailable
from bot.store.schema import DeclarationRow, DeclarationStep, IncidentChannel
from bot.tokens import client_token as token
from bot.vocabulary import StepState

log = logging.getLogger(__name__)

START, SUMMARY, CHANNEL, INVITE, CARD, PIN, RELATED, NOTE, ANNOUNCE = (
    "start",
    "summary",
    "channel",
    "invite",
    "card",
    "pin",
    "related",
    "note",
    "announce",
)
STEPS = (START, SUMMARY, CHANNEL, INVITE, CARD, PIN, RELATED, NOTE, ANNOUNCE)
IN_CHANNEL = frozenset({INVITE, CARD, PIN, RELATED})  # need the channel
LEASE_SECONDS = 15.0  # a worker that stops renewing its lease for this long has died
MAX_ATTEMPTS = 10
SLACK_TRANSIENT = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
SLACK_FINE = {INVITE: "already_in_channel", PIN: "already_pinned"}
UNEXPECTED = "an unexpected error, in the bot's log"  # its text is for the log, not people
CARD_EVENT, ANNOUNCEMENT_EVENT = "incident_bot_card", "incident_bot_announcement"


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


def refusal(exc: Exception) -> tuple[bool, str]:
    """Whether a step's failure is for good (a missing permission or scope, a bad request),
    and why, in words the declarer can act on."""
    if isinstance(exc, SlackUnavailable):
        return False, f"Slack is not answering: {exc.what}, an outage on Slack's side"
    if isinstance(exc, SlackApiError):
        error = str(exc.response.get("error"))
        return error not in SLACK_TRANSIENT, f"Slack said {error}"
    if isinstance(exc, Throttled | ServiceUnavailable):
        return False, exc.message
    if isinstance(exc, DomainError):
        return True, exc.message
    return False, UNEXPECTED


def metadata(event: str, arn: str) -> dict:
    """Message metadata naming the incident, so a repeated step finds its message."""
    return {"event_type": event, "event_payload": {"incident_arn": arn}}


class Declarations:
    def __init__(self, incidents: IncidentService) -> None:
        self.incidents = incidents
        self.database = incidents.database
        self.slack = incidents.slack

    async def declare(self, declaration: Declaration, origin: str | None) -> Outcome | None:
        """Record the form and run its steps; None when another worker is running them now.

        A step refused for good is reported and left; one that failed for now is retried by
        the sweep. StartIncident refused means nothing exists: that is raised, as before.
        """
        await self._record(declaration, origin)
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
        steps = [START, CHANNEL, CARD, PIN, RELATED]
        steps += [ANNOUNCE] if self.incidents.settings.announce_channel else []
        try:
            async with self.database.write() as session:
                session.add(IncidentChannel(incident_arn=incident.arn))  # the claim
                session.add(
                    DeclarationRow(
                        token=form.client_token,
                        incident_arn=incident.arn,
                        declarer=form.declarer,
                        origin_channel=None,
                        form=json.dumps(asdict(form)),
                        settled=False,
                    )
                )
                await session.flush()
                session.add_all(
                    DeclarationStep(
                        token=form.client_token,
                        step=step,
                        attempts=0,
                        state=StepState.DONE if step == START else StepState.PENDING,
                    )
                    for step in steps
                )
        except IntegrityError:
            return None
        return await self._run(form.client_token)

    async def finish_pending(self) -> None:
        """Run every unsettled declaration whose worker is gone; tell each declarer the end."""
        async with self.database.session() as session:
            tokens = (
                await session.scalars(
                    select(DeclarationRow.token).where(DeclarationRow.settled.is_(False))
                )
            ).all()
        for pending in tokens:
            try:
                await self._finish(pending)
            except Exception:
                log.exception("finishing declaration %s failed", pending)

    async def _finish(self, declaration_token: str) -> None:
        row = await self._row(declaration_token)
        if not row.declarer:  # adopted from AWS: nobody to tell
            await self._run(declaration_token)
            return
        try:
            outcome = await self._run(declaration_token)
        except DomainError as error:  # StartIncident refused: not declared after all
            message = f"The incident was not declared: {error.message}"
            await warn(self.slack, row.declarer, row.origin_channel, message)
            return
        if outcome and outcome.settled and outcome.done_now:
            text = declared_text(outcome, later=True)
            await tell(self.slack, row.declarer, row.origin_channel, text)

    # -- the record --------------------------------------------------------
    async def _record(self, declaration: Declaration, origin: str | None) -> None:
        steps = [START]
        steps += [SUMMARY] if declaration.summary else []
        steps += [CHANNEL, INVITE, CARD, PIN, RELATED] if declaration.create_channel else []
        steps += [NOTE]
        steps += [ANNOUNCE] if self.incidents.settings.announce_channel else []
        try:
            async with self.database.write() as session:
                session.add(
                    DeclarationRow(
                        token=declaration.client_token,
                        declarer=declaration.declarer,
                        origin_channel=origin,
                        form=json.dumps(asdict(declaration)),
                        settled=False,
                    )
                )
                await session.flush()
                session.add_all(
                    DeclarationStep(token=declaration.client_token, step=step, attempts=0)
                    for step in steps
                )
        except IntegrityError:  # a redelivered form: its steps are recorded already
            pass

    async def _row(self, declaration_token: str) -> DeclarationRow:
        async with self.database.session() as session:
            row = await session.get(DeclarationRow, declaration_token)
        assert row is not None
        return row

    async def _steps(self, declaration_token: str) -> dict[str, DeclarationStep]:
        async with self.database.session() as session:
            rows = await session.scalars(
                select(DeclarationStep).where(DeclarationStep.token == declaration_token)
            )
            return {row.step: row for row in rows}

    async def _lease(self, declaration_token: str, renew: bool = False) -> bool:
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
                .where(
                    DeclarationRow.token == declaration_token,
                    DeclarationRow.settled.is_(False),
                    condition,
                )
                .values(claimed_until=now + LEASE_SECONDS)
            )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def _set(self, declaration_token: str, step: str, **values: object) -> None:
        async with self.database.write() as session:
            await session.execute(
                update(DeclarationStep)
                .where(DeclarationStep.token == declaration_token, DeclarationStep.step == step)
                .values(**values)
            )

    # -- running the steps -------------------------------------------------
    async def _run(self, declaration_token: str) -> Outcome | None:
        if not await self._lease(declaration_token):
            return None
        done_now: list[str] = []
        try:
            row = await self._row(declaration_token)
            form = Declaration(**json.loads(row.form))
            steps = await self._steps(declaration_token)
            for name in (name for name in STEPS if name in steps):
                if steps[name].state != StepState.PENDING:
                    continue
                if await self._attempt(form, steps[name]):
                    done_now.append(name)
                elif name == START:
                    return None  # AWS did not answer after a crash: the sweep asks again
                await self._lease(declaration_token, renew=True)
            outcome = await self._outcome(form, done_now)
            if outcome.settled:
                async with self.database.write() as session:
                    await session.execute(
                        update(DeclarationRow)
                        .where(DeclarationRow.token == declaration_token)
                        .values(settled=True)
                    )
            return outcome
        finally:
            async with self.database.write() as session:
                await session.execute(
                    update(DeclarationRow)
                    .where(DeclarationRow.token == declaration_token)
                    .values(claimed_until=None)
                )

    async def _attempt(self, form: Declaration, step: DeclarationStep) -> bool:
        """Try one step, its attempt written before and its result after; True when done."""
        if step.step in IN_CHANNEL:
            channel = (await self._steps(form.client_token))[CHANNEL].state
            if channel in (StepState.FAILED, StepState.SKIPPED):
                await self._set(form.client_token, step.step, state=StepState.SKIPPED)
                return False
            if channel == StepState.PENDING:
                return False  # the channel is retried first, next time
        attempts = step.attempts + 1
        await self._set(form.client_token, step.step, attempts=attempts)
        try:
            await getattr(self, f"_{step.step}")(form, attempts > 1)
        except Exception as exc:
            permanent, reason = refusal(exc)
            # StartIncident refused: nothing exists, the declaration is forgotten. Retried after a
            # crash, the incident may exist: only a refusal for good forgets it then.
            if step.step == START and (permanent or attempts in (1, MAX_ATTEMPTS)):
                async with self.database.write() as session:
                    for table in (DeclarationStep, DeclarationRow):
                        await session.execute(delete(table).where(table.token == form.client_token))
                raise
            state = StepState.FAILED if permanent or attempts >= MAX_ATTEMPTS else StepState.PENDING
            log.warning(
                "declaring %s: step %s %s: %s",
                form.title,
                step.step,
                state,
                reason,
                exc_info=exc if reason == UNEXPECTED else None,
            )
            await self._set(form.client_token, step.step, state=state, error=reason)
            return False
        await self._set(form.client_token, step.step, state=StepState.DONE, error=None)
        return True

    async def _arn(self, form: Declaration) -> str:
        arn = (await self._row(form.client_token)).incident_arn
        assert arn is not None  # the start step came first
        return arn

    async def _incident_channel(self, form: Declaration) -> tuple[str, str, str | None]:
        """The incident's ARN, channel id and card ts (the channel step came first)."""
        row = await self.incidents.channel_row(await self._arn(form))
        assert row is not None and row.channel_id is not None
        return row.incident_arn, row.channel_id, row.card_ts

    async def _start(self, form: Declaration, _retry: bool) -> None:
        aws = self.incidents.aws
        arn = await aws.start_incident(form.plan_arn, form.title, form.impact, form.client_token)
        async with self.database.write() as session:
            await session.execute(
                update(DeclarationRow)
                .where(DeclarationRow.token == form.client_token)
                .values(incident_arn=arn)
            )
        try:
            async with self.database.write() as session:
                session.add(IncidentChannel(incident_arn=arn))
        except IntegrityError:  # recorded before a crash
            pass

    async def _summary(self, form: Declaration, _retry: bool) -> None:
        arn = await self._arn(form)
        await self.incidents.aws.update_incident(
            arn, token(form.client_token, "summary"), summary=form.summary
        )
        await self.incidents.refresh_card(arn)  # a card posted before the summary got through

    async def _channel(self, form: Declaration, retry: bool) -> None:
        incident = await self.incidents.get(await self._arn(form))
        name = channel_name(incident.created.astimezone(UTC).date(), incident.title)
        made = await made_before(self.slack, name, self._has_incident) if retry else None
        channel_id, _name = made or await create_channel(self.slack, name)
        # recorded before anyone is invited, so a command typed there at once finds its incident
        await self.incidents.record_channel(incident.arn, channel_id=channel_id)

    async def _has_incident(self, channel_id: str) -> bool:
        return await self.incidents.arn_of_channel(channel_id) is not None

    async def _invite(self, form: Declaration, _retry: bool) -> None:
        _, channel_id, _ = await self._incident_channel(form)
        await self._slack_fine(
            INVITE, self.slack.conversations_invite(channel=channel_id, users=form.declarer)
        )

    async def _card(self, form: Declaration, retry: bool) -> None:
        arn, channel_id, _ = await self._incident_channel(form)
        marker = metadata(CARD_EVENT, arn)
        ts = await posted(self.slack, channel_id, marker) if retry else None
        if ts is None:
            incident = await self.incidents.get(arn)
            answer = await self.slack.chat_postMessage(
                channel=channel_id,
                text=card_text(incident),
                blocks=card_blocks(incident, 0, self.incidents.console(incident.arn)),
                metadata=marker,
            )
            ts = answer["ts"]
        await self.incidents.record_channel(arn, card_ts=ts)

    async def _pin(self, form: Declaration, _retry: bool) -> None:
        _, channel_id, card_ts = await self._incident_channel(form)
        assert card_ts is not None  # the card step came first
        await self._slack_fine(PIN, self.slack.pins_add(channel=channel_id, timestamp=card_ts))

    async def _related(self, form: Declaration, _retry: bool) -> None:
        arn, channel_id, _ = await self._incident_channel(form)
        name = (await self.slack.conversations_info(channel=channel_id))["channel"]["name"]
        item = RelatedItem(
            "OTHER", "url", self.incidents.channel_url(channel_id), f"Slack channel #{name}"
        )
        await self.incidents.aws.add_related_item(arn, item, token(form.client_token, "channel"))
        await self.incidents.related_written(arn, item, True)
        await self.incidents.refresh_card(arn)

    async def _note(self, form: Declaration, _retry: bool) -> None:
        name = await display_name(self.slack, form.declarer)
        await self.incidents.timeline.note(
            await self._arn(form),
            f"Declared in Slack by {name}",
            token(form.client_token, "declared"),
        )

    async def _announce(self, form: Declaration, retry: bool) -> None:
        where = self.incidents.settings.announce_channel
        assert where is not None
        arn = await self._arn(form)
        marker = metadata(ANNOUNCEMENT_EVENT, arn)
        if retry and await posted(self.slack, where, marker):
            return
        channel_id = await self.incidents.channel_of(arn)
        join = f" — join <#{channel_id}>" if channel_id else ""
        who, started = f"<@{form.declarer}> declared", ""
        if not form.declarer:  # adopted: what started it instead of who
            incident = await self.incidents.get(arn)
            trigger = incident.trigger
            who = "New incident" if incident.is_open else "Incident (resolved already)"
            started = f", {trigger_text(trigger) if trigger else 'started in AWS'}"
        await self.slack.chat_postMessage(
            channel=where,
            text=f":rotating_light: {who} *{escape(form.title)}* "
            f"(impact {form.impact}{started}){join}",
            metadata=marker,
        )

    async def _slack_fine(self, step: str, call: object) -> None:
        """A Slack call whose "already so" answer means the step is done."""
        try:
            await call  # type: ignore[misc]
        except SlackApiError as exc:
            if exc.response.get("error") != SLACK_FINE[step]:
                raise

    async def _outcome(self, form: Declaration, done_now: list[str]) -> Outcome:
        """What exists and what is missing, from the store alone (AWS may be what failed)."""
        arn = await self._arn(form)
        steps = await self._steps(form.client_token)
        return Outcome(
            title=form.title,
            incident_id=arn.rsplit("/", 1)[-1],
            console=self.incidents.console(arn),
            channel_id=await self.incidents.channel_of(arn),
            announce_channel=self.incidents.settings.announce_channel,
            steps={name: (steps[name].state, steps[name].error) for name in STEPS if name in steps},
            done_now=done_now,
        )
