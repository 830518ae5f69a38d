"""A person's own paging plan: their contact channels, their activation, and the engagement
plan (which channel after how many minutes, with retries), for the contact linked to them."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.aws.contacts import ContactsPort
from bot.aws.errors import briefly
from bot.aws.plan_limits import PlanLimits, plan_limits
from bot.contacts import Contact, ContactChannel, PlanStage, PlanTarget
from bot.errors import DomainError, InvalidInput, NotFound
from bot.link_codes import ActivationTries
from bot.numbers import BadNumber, Bounds
from bot.people import People

log = logging.getLogger(__name__)

NOT_YOURS = "That channel is not one of your contact's: `/incident me` lists them."


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


@dataclass(frozen=True)
class SavedPlan:
    """A paging plan saved in AWS: the person's contact and channels as read back, or (when
    ``unread`` says why it could not be) with the plan as sent."""

    mine: Mine
    unread: str = ""


class PersonalPlans:
    def __init__(self, contacts: ContactsPort, people: People, tries: ActivationTries) -> None:
        self.contacts = contacts
        self.people = people
        self.tries = tries
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

    async def save(self, user_id: str, stages: tuple[PlanStage, ...]) -> SavedPlan:
        """Replace the person's engagement plan (UpdateContact with channel targets), every
        channel one of their own contact's as AWS lists it now."""
        mine = await self.mine(user_id)
        own = {channel.arn for channel in mine.channels}
        if any(t.channel_arn not in own for stage in stages for t in stage.targets):
            raise NotFound(NOT_YOURS)
        await self.contacts.update_plan(mine.contact.arn, stages, ())
        log.info("engagement plan of %s changed by Slack user %s", mine.contact.arn, user_id)
        try:
            return SavedPlan(await self.mine(user_id))
        except DomainError as error:
            log.warning("plan of %s saved but not read back: %s", mine.contact.arn, error.message)
            return SavedPlan(
                Mine(replace(mine.contact, stages=stages), mine.channels), briefly(error)
            )

    async def send_code(self, user_id: str, channel: ContactChannel) -> None:
        """SendActivationCode to one of the person's channels (``own_channel``)."""
        await self.contacts.send_activation_code(channel.arn)
        log.info("activation code for %s sent at the request of %s", channel.arn, user_id)

    def check_code(self, code: str) -> str:
        """The code as typed, when it has the shape AWS's model gives it; else InvalidInput."""
        low, high = self.limits.code
        code = code.strip()
        if not (code.isascii() and code.isdigit() and low <= len(code) <= high):
            raise InvalidInput(f"The code is {low} to {high} digits, as AWS sent it.")
        return code

    async def activate(self, user_id: str, channel: ContactChannel, code: str) -> None:
        """Activate one of the person's channels (``own_channel``) with its code; a wrong code
        raises InvalidInput saying how many tries are left (``ActivationTries``)."""
        left = await self.tries.take(channel.arn)
        try:
            await self.contacts.activate_channel(channel.arn, self.check_code(code))
        except InvalidInput:
            raise InvalidInput(
                f"That code is not the one AWS sent to {channel.address} ({left} tries left): "
                "check the latest message and try again."
            ) from None
        await self.tries.right(channel.arn)
        log.info("contact channel %s activated by %s", channel.arn, user_id)

    async def own_channel(self, user_id: str, channel_arn: str) -> ContactChannel:
        """The channel ``channel_arn`` names, when it is one of the person's own contact's."""
        mine = await self.mine(user_id)
        channel = next((c for c in mine.channels if c.arn == channel_arn), None)
        if channel is None:
            raise NotFound(NOT_YOURS)
        return channel
