"""Who is who: Incident Manager contacts and the Slack users who answer for them."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import UTC, datetime
from pathlib import Path

import yaml
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from bot.aws.contacts import ContactsPort
from bot.config import ConfigError
from bot.contacts import Contact
from bot.errors import Conflict, InvalidInput, NotFound
from bot.link_codes import CODE_MINUTES, LinkCodes
from bot.slack.blocks import escape
from bot.store.database import Database, changed
from bot.store.schema import ContactLink
from bot.vocabulary import ContactType

log = logging.getLogger(__name__)

PAGES_APPEAR_SECONDS = 0.5  # between looks for the pages of a fresh engagement
MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


def retry_minutes(contact: Contact) -> int | None:
    """The shortest ``RetryIntervalInMinutes`` of the person's channel targets, if any."""
    intervals = [
        target.retry_minutes
        for stage in contact.stages
        for target in stage.targets
        if target.retry_minutes
    ]
    return min(intervals) if intervals else None


def read_mapping(path: Path | None) -> dict[str, str]:
    """The mapping file: ``alias: U123`` or ``alias: someone@example.com`` per line."""
    if path is None:
        return {}
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"CONTACT_MAP_FILE {path} cannot be read: {exc}") from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ConfigError(
            f"CONTACT_MAP_FILE {path} must map contact aliases to a Slack user "
            "id or an email, one `alias: value` per line."
        )
    return {str(alias): value.strip() for alias, value in data.items()}


class People:
    def __init__(
        self,
        aws: ContactsPort,
        database: Database,
        slack: AsyncWebClient,
        mapping_file: Path | None,
    ) -> None:
        self.aws = aws
        self.database = database
        self.slack = slack
        self.mapping = read_mapping(mapping_file)
        self.codes = LinkCodes(aws, database)

    async def contact(self, reference: str) -> Contact:
        """A contact by alias, ARN, or the Slack user (a mention) linked to one."""
        reference = reference.strip()
        if mention := MENTION.match(reference):
            arn = await self.contact_for(mention.group(1))
            if arn is None:
                raise NotFound(
                    f"<@{mention.group(1)}> is not linked to an Incident Manager "
                    "contact. They can run `/incident link-me <contact-alias>`."
                )
            reference = arn
        if not reference.startswith("arn:"):
            arn = await self.aws.contact_arn(reference)
            if arn is None:
                raise NotFound(
                    f"No Incident Manager contact has the alias `{escape(reference)}`. "
                    "Check the alias in the AWS console (Contacts)."
                )
            reference = arn
        return await self.aws.contact(reference)

    async def contact_for(self, slack_user_id: str) -> str | None:
        async with self.database.session() as session:
            return await session.scalar(
                select(ContactLink.contact_arn)
                .where(ContactLink.slack_user_id == slack_user_id)
                .order_by(ContactLink.source.desc())
            )

    async def link_of(self, contact_arn: str) -> ContactLink | None:
        async with self.database.session() as session:
            return await session.get(ContactLink, contact_arn)

    async def slack_user_for(self, contact_arn: str, alias: str) -> str | None:
        """The linked Slack user: stored, then the mapping file, then the EMAIL channel."""
        link = await self.link_of(contact_arn)
        if link is not None:
            return link.slack_user_id
        user, source = None, None
        if alias in self.mapping:
            user, source = await self._user(self.mapping[alias]), "mapping"
        if user is None:
            user, source = await self._by_email_channel(contact_arn), "email"
        if user is not None and source is not None:
            await self._store(contact_arn, user, source, by="incident-bot")
        return user

    async def on_call_now(self, schedule: Contact) -> list[str]:
        """The contacts on call now in an on-call schedule's rotations (ListRotationShifts)."""
        start = datetime.now(UTC)
        people: list[str] = []
        for rotation in schedule.rotation_ids:
            people += await self.aws.on_call(rotation, start)
        return list(dict.fromkeys(people))

    async def paged_for(self, engagement_arn: str, attempts: int = 5) -> list[str]:
        """The contacts AWS paged for an engagement (for an on-call schedule: who is on call
        now, overrides included), waiting briefly while AWS creates the pages."""
        for attempt in range(attempts):
            pages = await self.aws.pages_of(engagement_arn)
            if pages:
                return list(dict.fromkeys(page.contact_arn for page in pages))
            if attempt + 1 < attempts:
                await asyncio.sleep(PAGES_APPEAR_SECONDS)
        return []

    async def _user(self, value: str) -> str | None:
        if USER_ID.match(value):
            return value
        return await self._lookup_email(value)

    async def _lookup_email(self, email: str) -> str | None:
        try:
            return (await self.slack.users_lookupByEmail(email=email))["user"]["id"]
        except SlackApiError:
            return None

    async def _by_email_channel(self, contact_arn: str) -> str | None:
        for address in await self.aws.email_addresses(contact_arn):
            if user := await self._lookup_email(address):
                return user
        return None

    async def _store(self, contact_arn: str, user: str, source: str, by: str) -> None:
        link = ContactLink(contact_arn=contact_arn, slack_user_id=user, source=source)
        try:
            async with self.database.write() as session:
                await session.merge(link)
        except IntegrityError:  # PostgreSQL: linked meanwhile (two pages to one person): update
            async with self.database.write() as session:
                await session.merge(link)
        log.info("contact %s linked to Slack user %s (%s) by %s", contact_arn, user, source, by)

    async def _person(self, alias: str) -> Contact:
        contact = await self.contact(alias)
        if contact.type != ContactType.PERSONAL:
            raise InvalidInput(
                f"`{escape(alias)}` is an {contact.type.lower().replace('_', ' ')}, not "
                "a person: link to a personal contact."
            )
        return contact

    async def _free_for(self, contact: Contact, slack_user_id: str) -> bool:
        """False when already linked to this user; Conflict when linked to someone else (the
        contact's own link is resolved first: stored, mapping file, EMAIL channel)."""
        linked = await self.slack_user_for(contact.arn, contact.alias)
        if linked is None:
            return True
        if linked == slack_user_id:
            return False
        link = await self.link_of(contact.arn)
        if link is not None and link.source == "self":
            fix = "Ask them to `/incident unlink-me` first."
        else:
            fix = "It comes from the contact map file or the contact's email; ask your bot admins."
        raise Conflict(f"`{contact.alias}` is already linked to <@{linked}>. {fix}")

    async def send_link_code(self, slack_user_id: str, user_name: str, alias: str) -> str:
        """Step one of ``link-me``: a one-time code to the contact's own channels."""
        contact = await self._person(alias)
        if not await self._free_for(contact, slack_user_id):
            return f"You are already linked to `{contact.alias}`."
        await self.codes.send(contact, slack_user_id, user_name)
        log.info("link code for contact %s sent at the request of %s", contact.arn, slack_user_id)
        return (
            f":envelope: A one-time code was sent through AWS to `{contact.alias}`'s own "
            f"contact channels. Run `/incident link-me {contact.alias} <code>` within "
            f"{CODE_MINUTES} minutes to finish."
        )

    async def link_me(self, slack_user_id: str, alias: str, code: str) -> Contact:
        """Step two of ``link-me``: the code proves the contact is this user's."""
        contact = await self._person(alias)
        if await self._free_for(contact, slack_user_id):
            await self.codes.redeem(contact, slack_user_id, code)
            await self._store(contact.arn, slack_user_id, "self", by=slack_user_id)
        return contact

    async def link(self, slack_user_id: str, alias: str, admin: str) -> Contact:
        """An admin links someone directly, replacing any link the contact had."""
        contact = await self._person(alias)
        await self._store(contact.arn, slack_user_id, "admin", by=admin)
        return contact

    async def unlink_me(self, slack_user_id: str) -> int:
        async with self.database.write() as session:
            result = await changed(
                session, delete(ContactLink).where(ContactLink.slack_user_id == slack_user_id)
            )
        if result:
            log.info("Slack user %s unlinked from their contact by themselves", slack_user_id)
        return result
