"""A person's own paging plan: their contact channels, their activation, and the engagement
plan (which channel after how many minutes, with retries), for the contact linked to them."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from bot.aws.contacts import ContactsPort
from bot.contact_plans.limits import PlanLimits, plan_limits
from bot.contacts import Contact, ContactChannel, PlanStage, PlanTarget
from bot.errors import InvalidInput, NotFound
from bot.numbers import BadNumber, Bounds
from bot.people import People

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mine:
    contact: Contact
    channels: tuple[ContactChannel, ...]


@dataclass(frozen=True)
class DraftEngagement:
    """One row of the engagement form, as typed: minutes, the channels ticked, retry minutes."""

    minutes: str
    channels: tuple[str, ...]
    retry: str


def _number(text: str, low: int, high: int, what: str) -> tuple[int | None, str | None]:
    try:
        return Bounds(low, high, what, set_by="AWS").read(text), None
    except BadNumber as wrong:
        return None, wrong.message


def checked_engagement(
    rows: Sequence[DraftEngagement], limits: PlanLimits
) -> tuple[tuple[PlanStage, ...], dict[tuple[int, str], str]]:
    """The engagement stages AWS would accept (a row with no channel is left out), and what is
    wrong with the rest, by (row, "minutes" or "retry")."""
    stages: list[PlanStage] = []
    problems: dict[tuple[int, str], str] = {}
    for index, row in enumerate(rows):
        if not row.channels:
            continue
        minutes, wrong = _number(row.minutes, *limits.minutes, "minutes")
        if wrong:
            problems[(index, "minutes")] = wrong
        retry, wrong_retry = None, None
        if row.retry.strip():
            retry, wrong_retry = _number(row.retry, *limits.retry, "minutes between retries")
        if wrong_retry:
            problems[(index, "retry")] = wrong_retry
        if minutes is not None and not wrong_retry:
            targets = tuple(PlanTarget(None, False, retry, arn) for arn in row.channels)
            stages.append(PlanStage(minutes, targets))
    return tuple(stages), problems


class PersonalPlans:
    def __init__(self, contacts: ContactsPort, people: People) -> None:
        self.contacts = contacts
        self.people = people
        self.limits = plan_limits()

    async def mine(self, user_id: str) -> Mine:
        """The contact linked to ``user_id``, with its channels."""
        arn = await self.people.contact_for(user_id)
        if arn is None:
            raise NotFound(
                "You are not linked to an Incident Manager contact yet: run "
                "`/incident link-me <contact-alias>` first."
            )
        contact = await self.contacts.contact(arn)
        return Mine(contact, tuple(await self.contacts.channels(arn)))

    async def save(self, user_id: str, stages: tuple[PlanStage, ...]) -> Mine:
        """Replace the person's engagement plan (UpdateContact with channel targets)."""
        mine = await self.mine(user_id)
        await self.contacts.update_plan(mine.contact.arn, stages, ())
        log.info("engagement plan of %s changed by Slack user %s", mine.contact.arn, user_id)
        return await self.mine(user_id)

    async def send_code(self, user_id: str, channel_arn: str) -> ContactChannel:
        channel = await self._own_channel(user_id, channel_arn)
        await self.contacts.send_activation_code(channel.arn)
        log.info("activation code for %s sent at the request of %s", channel.arn, user_id)
        return channel

    async def activate(self, user_id: str, channel_arn: str, code: str) -> ContactChannel:
        """Activate the channel with its code; a wrong code raises InvalidInput."""
        channel = await self._own_channel(user_id, channel_arn)
        low, high = self.limits.code
        if not (code.isdigit() and low <= len(code) <= high):
            raise InvalidInput(f"The code is {low} to {high} digits, as AWS sent it.")
        try:
            await self.contacts.activate_channel(channel.arn, code)
        except InvalidInput:
            raise InvalidInput(
                f"That code is not the one AWS sent to {channel.address}: check the latest "
                "message and try again."
            ) from None
        log.info("contact channel %s activated by %s", channel.arn, user_id)
        return channel

    async def _own_channel(self, user_id: str, channel_arn: str) -> ContactChannel:
        mine = await self.mine(user_id)
        channel = next((c for c in mine.channels if c.arn == channel_arn), None)
        if channel is None:
            raise NotFound("That channel is not one of your contact's: `/incident me` lists them.")
        return channel
