"""Pressing Acknowledge: who may, AcceptPage in AWS once, and an essential answer ends the
escalation; then ``PageAcknowledged`` says it all at once."""

from __future__ import annotations

import logging

from sqlalchemy import update

from bot.aws.contacts import ContactsPort
from bot.config import Settings
from bot.contacts import alias_of
from bot.directory import Directory
from bot.errors import DomainError, InvalidInput, NotFound, SlackRefused
from bot.escalation.closing import Closing
from bot.escalation.events import PageAcknowledged
from bot.escalation.notices import PageNotices, now
from bot.events import Bus
from bot.incidents.service import IncidentService
from bot.store.schema import PageNotice
from bot.tokens import client_token
from bot.vocabulary import Acknowledgement, EscalationState

log = logging.getLogger(__name__)


class Acknowledging:
    def __init__(
        self,
        contacts: ContactsPort,
        notices: PageNotices,
        closing: Closing,
        incidents: IncidentService,
        directory: Directory,
        settings: Settings,
        bus: Bus,
    ) -> None:
        self.contacts = contacts
        self.notices = notices
        self.database = notices.database
        self.closing = closing
        self.incidents = incidents
        self.directory = directory
        self.settings = settings
        self.bus = bus

    async def acknowledge(self, notice_id: str, clicker: str) -> Acknowledgement:
        """AcceptPage for the pressed page; an essential one ends the escalation."""
        notice = await self.notices.get(notice_id)
        if notice is None:
            raise NotFound("This page is not known to incident-bot any more.")
        if not await self._may_acknowledge(notice, clicker):
            responders = (
                f"a member of <!subteam^{self.settings.responder_group}>"
                if self.settings.responder_group
                else "an on-call responder"
            )
            raise InvalidInput(
                f"Only <@{notice.slack_user_id}>, who was paged, or {responders} "
                "can acknowledge this page."
            )
        at = now()
        claimed = await self.database.compare_and_set(
            update(PageNotice)
            .where(PageNotice.id == notice_id, PageNotice.acknowledged_by.is_(None))
            .values(acknowledged_by=clicker, acknowledged_at=at)
        )
        if not claimed:
            return Acknowledgement.ALREADY
        name = await self.directory.name_of(clicker)
        try:
            await self._accept_pages(notice, f"Acknowledged in Slack by {name} ({clicker})")
        except DomainError:
            await self.notices.set(notice_id, acknowledged_by=None, acknowledged_at=None)
            raise
        incident = await self.incidents.get(notice.incident_arn)
        closed = None
        if notice.escalation_id and notice.essential:
            closed = await self.closing.close(
                notice.escalation_id,
                EscalationState.ACKNOWLEDGED,
                clicker,
                incident,
                f"Acknowledged by <@{clicker}>; you need not respond.",
            )
        await self.incidents.timeline.note(
            notice.incident_arn,
            f"Page to {alias_of(notice.contact_arn)} acknowledged in Slack by {name}",
            client_token("ack", notice_id),
        )
        withdrawn = closed.withdrawn if closed else None
        await self.bus.publish(PageAcknowledged(notice, incident, clicker, at, withdrawn))
        return Acknowledgement.ACCEPTED

    async def _may_acknowledge(self, notice: PageNotice, clicker: str) -> bool:
        """The paged person, a listed responder, or a member of the responder group."""
        if clicker == notice.slack_user_id or clicker in self.settings.responder_user_ids:
            return True
        group = self.settings.responder_group
        if group is None:
            return False
        try:
            return clicker in await self.directory.members_of(group)
        except SlackRefused as refused:
            log.error("cannot read the members of user group %s: %s", group, refused.code)
            return False

    async def _accept_pages(self, notice: PageNotice, note: str) -> None:
        if notice.page_arn:
            pages = [notice.page_arn]
        elif notice.engagement_arn:
            pages = [page.arn for page in await self.contacts.pages_of(notice.engagement_arn)]
        else:
            raise NotFound("This page never reached AWS, so there is nothing to acknowledge.")
        for page in pages:
            await self.contacts.accept_page(page, note)
