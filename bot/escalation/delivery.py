"""Telling the person a page is for: who that is (a linked person, whoever is on call, or the
people an escalation plan pages), the direct message with its buttons through the
``PageMessages`` port, and what Slack answered, recorded on the page's notice."""

from __future__ import annotations

import logging

from bot.contacts import alias_of
from bot.errors import SlackRefused
from bot.escalation.events import PageRefused, PageUnlinked, PlanTargetPaged
from bot.escalation.notices import PageNotices
from bot.escalation.ports import PageMessages, PageToSend
from bot.escalation.reminders import Reminders
from bot.events import Bus
from bot.incidents.record import Incident
from bot.people import People
from bot.store.schema import PageNotice
from bot.vocabulary import Claim, ContactType, Delivery, PageKind

log = logging.getLogger(__name__)


class Deliveries:
    def __init__(
        self,
        notices: PageNotices,
        people: People,
        reminders: Reminders,
        messages: PageMessages,
        bus: Bus,
    ) -> None:
        self.notices = notices
        self.people = people
        self.reminders = reminders
        self.messages = messages
        self.bus = bus

    async def deliver(
        self,
        notice: PageNotice,
        claim: Claim,
        alias: str,
        incident: Incident,
        paged_by: str,
        stage: int,
        stages: int,
        channel_id: str | None,
    ) -> Delivery:
        """DM the linked person the page with its buttons, or name them in the channel; says
        which it did.

        A retaken claim first looks for the DM its crashed worker may have sent (the page's
        message metadata names the notice), so a crash between Slack's answer and the bot's
        record of it never shows a person the same page twice."""
        user = await self._answerer(notice, alias)
        if user is Delivery.PLAN:
            await self.notices.set(notice.id, delivery=Delivery.PLAN)
            await self.bus.publish(PlanTargetPaged(channel_id, alias))
            return Delivery.PLAN
        if user is None:
            await self.notices.set(notice.id, delivery=Delivery.NOBODY)
            await self.bus.publish(PageUnlinked(channel_id, alias))
            return Delivery.NOBODY
        await self.notices.set(notice.id, slack_user_id=user)  # who may acknowledge, at once
        posted = await self.messages.find(user, notice.id) if claim is Claim.RETAKEN else None
        if posted is None:
            page = PageToSend(notice.id, notice.escalation_id, incident, paged_by, stage, stages)
            try:
                posted = await self.messages.send(user, page)
            except SlackRefused as refused:
                log.error("could not DM the page for %s to %s: %s", alias, user, refused.code)
                await self.notices.set(notice.id, delivery=Delivery.NOBODY)
                await self.bus.publish(PageRefused(channel_id, alias, user, refused.code))
                return Delivery.NOBODY
        await self.notices.set(
            notice.id, dm_channel=posted.channel, dm_ts=posted.ts, delivery=Delivery.SENT
        )
        await self.reminders.plan(notice.id, 1)
        return Delivery.SENT

    async def _answerer(self, notice: PageNotice, alias: str) -> str | None:
        """Who gets the DM: the person linked to the contact; for an on-call schedule, the
        first linked person AWS paged for it (whoever is on call now); for an escalation plan,
        ``Delivery.PLAN``: each person its stages page, as the mirror finds their page."""
        user = await self.people.slack_user_for(notice.contact_arn, alias)
        if user is not None or notice.engagement_arn is None:
            return user
        kind = (await self.people.contact(notice.contact_arn)).type
        if kind == ContactType.ESCALATION and notice.kind == PageKind.STAGE:
            return Delivery.PLAN
        if kind != ContactType.ONCALL_SCHEDULE:
            return None
        for person in await self.people.paged_for(notice.engagement_arn):
            if user := await self.people.slack_user_for(person, alias_of(person)):
                return user
        return None
