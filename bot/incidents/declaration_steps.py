"""What each step of a declaration does, and the table that says, for each, what it needs and
which "already so" answer means it is done. Every step is safe to repeat: AWS calls carry client
tokens made from the form, and what Slack made before a crash is looked for before it is made
again (``retry``: the step was attempted before)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC

from bot.errors import SlackRefused
from bot.events import Bus
from bot.incidents.declaration_record import Declaration, DeclarationRecords, DeclarationStep
from bot.incidents.events import RelatedItemLinked
from bot.incidents.ports import Names, Posts, Rooms
from bot.incidents.record import Announcement, IncidentCard
from bot.incidents.service import IncidentService
from bot.tokens import client_token as token


@dataclass(frozen=True)
class DeclarationSteps:
    """The steps' work, on AWS (through the incident service) and on Slack (through its ports)."""

    incidents: IncidentService
    records: DeclarationRecords
    rooms: Rooms
    posts: Posts
    names: Names
    bus: Bus

    async def _channel_of(self, form: Declaration) -> tuple[str, str, str | None]:
        """The incident's ARN, channel id and card ts (the channel step came first)."""
        row = await self.incidents.channel_row(await self.records.arn(form.client_token))
        assert row is not None and row.channel_id is not None
        return row.incident_arn, row.channel_id, row.card_ts

    async def start(self, form: Declaration, _retry: bool) -> None:
        aws = self.incidents.aws
        arn = await aws.start_incident(form.plan_arn, form.title, form.impact, form.client_token)
        await self.records.started(form.client_token, arn)

    async def summary(self, form: Declaration, _retry: bool) -> None:
        arn = await self.records.arn(form.client_token)
        await self.incidents.aws.update_incident(
            arn, token(form.client_token, "summary"), summary=form.summary
        )
        await self.incidents.refresh_card(arn)  # a card posted before the summary got through

    async def channel(self, form: Declaration, retry: bool) -> None:
        incident = await self.incidents.get(await self.records.arn(form.client_token))
        day = incident.created.astimezone(UTC).date()
        made = await self.rooms.made_before(day, incident.title, self._taken) if retry else None
        channel_id = made or await self.rooms.create(day, incident.title)
        # recorded before anyone is invited, so a command typed there at once finds its incident
        await self.incidents.record_channel(incident.arn, channel_id=channel_id)

    async def _taken(self, channel_id: str) -> bool:
        return await self.incidents.arn_of_channel(channel_id) is not None

    async def invite(self, form: Declaration, _retry: bool) -> None:
        _, channel_id, _ = await self._channel_of(form)
        await self.rooms.invite(channel_id, form.declarer)

    async def card(self, form: Declaration, retry: bool) -> None:
        arn, channel_id, _ = await self._channel_of(form)
        ts = await self.posts.card_posted(channel_id, arn) if retry else None
        if ts is None:
            card = IncidentCard(await self.incidents.get(arn), 0, self.incidents.console(arn))
            ts = await self.posts.post_card(channel_id, card)
        await self.incidents.record_channel(arn, card_ts=ts)

    async def pin(self, form: Declaration, _retry: bool) -> None:
        _, channel_id, card_ts = await self._channel_of(form)
        assert card_ts is not None  # the card step came first
        await self.posts.pin(channel_id, card_ts)

    async def related(self, form: Declaration, _retry: bool) -> None:
        arn, channel_id, _ = await self._channel_of(form)
        item = await self.rooms.link(channel_id)
        await self.incidents.aws.add_related_item(arn, item, token(form.client_token, "channel"))
        await self.bus.publish(RelatedItemLinked(arn, item))
        await self.incidents.refresh_card(arn)

    async def note(self, form: Declaration, _retry: bool) -> None:
        name = await self.names.name_of(form.declarer)
        await self.incidents.timeline.note(
            await self.records.arn(form.client_token),
            f"Declared in Slack by {name}",
            token(form.client_token, "declared"),
        )

    async def announce(self, form: Declaration, retry: bool) -> None:
        where = self.incidents.settings.announce_channel
        assert where is not None
        arn = await self.records.arn(form.client_token)
        if retry and await self.posts.announced(where, arn):
            return
        announcement = Announcement(
            form.title,
            form.impact,
            await self.incidents.channel_of(arn),
            form.declarer,
            # adopted (nobody declared it in Slack): the record says what started it
            None if form.declarer else await self.incidents.get(arn),
        )
        await self.posts.announce(where, arn, announcement)


Does = Callable[[DeclarationSteps, Declaration, bool], Awaitable[None]]


@dataclass(frozen=True)
class Step:
    """One row of the table: what the step does, the step it needs done first (waited for while
    pending, skipped when that one failed), and Slack's answer that means it was done already.
    Every step but START needs the incident: a run stops while START is not done."""

    does: Does
    needs: DeclarationStep | None = None
    already: str | None = None

    async def run(self, steps: DeclarationSteps, form: Declaration, retry: bool) -> None:
        try:
            await self.does(steps, form, retry)
        except SlackRefused as refused:
            if self.already is None or refused.code != self.already:
                raise


CHANNEL, CARD = DeclarationStep.CHANNEL, DeclarationStep.CARD
STEPS: dict[DeclarationStep, Step] = {
    DeclarationStep.START: Step(DeclarationSteps.start),
    DeclarationStep.SUMMARY: Step(DeclarationSteps.summary),
    DeclarationStep.CHANNEL: Step(DeclarationSteps.channel),
    DeclarationStep.INVITE: Step(DeclarationSteps.invite, CHANNEL, "already_in_channel"),
    DeclarationStep.CARD: Step(DeclarationSteps.card, CHANNEL),
    DeclarationStep.PIN: Step(DeclarationSteps.pin, CARD, "already_pinned"),
    DeclarationStep.RELATED: Step(DeclarationSteps.related, CHANNEL),
    DeclarationStep.NOTE: Step(DeclarationSteps.note),
    DeclarationStep.ANNOUNCE: Step(DeclarationSteps.announce),
}
