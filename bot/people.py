"""Who is who: Incident Manager contacts and the Slack users who answer for them."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import yaml
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from bot.aws.contacts import ContactsPort
from bot.config import ConfigError
from bot.contacts import Contact, alias_of
from bot.directory import Directory
from bot.email_directory import EmailDirectory
from bot.errors import Conflict, InvalidInput, NotFound, SlackRefused
from bot.link_codes import CODE_MINUTES, LinkCodes
from bot.mrkdwn import escape
from bot.store.database import Database, changed
from bot.store.schema import ContactLink
from bot.vocabulary import ContactType

log = logging.getLogger(__name__)

PAGES_APPEAR_SECONDS = 0.5  # between looks for the pages of a fresh engagement
MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
# Where a link comes from, in the order the sources count: proven (a code, an admin), the
# contact map file, the contact's EMAIL channel.
SELF, ADMIN, MAPPING, EMAIL = "self", "admin", "mapping", "email"
SOURCES = (SELF, ADMIN, MAPPING, EMAIL)
PROVEN = (SELF, ADMIN)


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
        directory: Directory,
        mapping_file: Path | None,
        codes: LinkCodes,
        emails: EmailDirectory,
    ) -> None:
        self.aws = aws
        self.database = database
        self.directory = directory  # who is who in Slack
        self.mapping = read_mapping(mapping_file)
        self.codes = codes
        self.emails = emails  # which contacts have which email address
        self._mapped: dict[str, str] = {}  # a map file email → its Slack user, once found

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
        """The contact this Slack user answers for, from the sources ``slack_user_for`` reads
        and in its order (a proven link, ``CONTACT_MAP_FILE``, the contact's EMAIL channel), so
        the two agree whatever was looked up before: each candidate is the contact whose own
        link (``slack_user_for``) is this user."""
        rows = await self._links_of(slack_user_id)
        for row in rows:
            if row.source in PROVEN:
                return row.contact_arn
        email: str | None = None
        for alias, value in self.mapping.items():
            if value != slack_user_id:
                if USER_ID.match(value):
                    continue
                email = email or await self._email_of(slack_user_id)
                if email is None or value.lower() != email:
                    continue
            arn = next((r.contact_arn for r in rows if alias_of(r.contact_arn) == alias), None)
            arn = arn or await self.aws.contact_arn(alias)
            if arn and await self.slack_user_for(arn, alias) == slack_user_id:
                return arn
        stored = [row.contact_arn for row in rows if row.source == EMAIL]
        for arn in stored:  # matched before: no need to read the directory
            if await self.slack_user_for(arn, alias_of(arn)) == slack_user_id:
                return arn
        email = email or await self._email_of(slack_user_id)
        for arn in await self.emails.contacts_with(email) if email else []:
            if arn not in stored and await self.slack_user_for(arn, alias_of(arn)) == slack_user_id:
                return arn
        return None

    async def answers_for(self, slack_user_id: str, contact_arns: Iterable[str]) -> bool:
        """Whether the Slack user answers for one of these contacts: their own contact, or
        another stored link that still holds."""
        wanted = set(contact_arns)
        if await self.contact_for(slack_user_id) in wanted:
            return True
        for row in await self._links_of(slack_user_id):
            arn = row.contact_arn
            if arn in wanted and await self.slack_user_for(arn, alias_of(arn)) == slack_user_id:
                return True
        return False

    async def _links_of(self, slack_user_id: str) -> list[ContactLink]:
        """The stored links to a Slack user, proven ones first (self, then admin)."""
        async with self.database.session() as session:
            rows = await session.scalars(
                select(ContactLink)
                .where(ContactLink.slack_user_id == slack_user_id)
                .order_by(ContactLink.contact_arn)
            )
            return sorted(rows, key=lambda row: SOURCES.index(row.source))

    async def link_of(self, contact_arn: str) -> ContactLink | None:
        async with self.database.session() as session:
            return await session.get(ContactLink, contact_arn)

    async def slack_user_for(self, contact_arn: str, alias: str) -> str | None:
        """The Slack user who answers for a contact: its proven link (``link-me``, an admin),
        else its ``CONTACT_MAP_FILE`` entry, else its EMAIL channel matched to a Slack user.
        What these give is stored as a link too (``whois`` says where it came from); an email
        match is read back from it while the map file lacks the alias."""
        link = await self.link_of(contact_arn)
        if link is not None and link.source in PROVEN:
            return link.slack_user_id
        if alias in self.mapping and (user := await self._user(self.mapping[alias])):
            if link is None or (link.slack_user_id, link.source) != (user, MAPPING):
                await self._store(contact_arn, user, MAPPING, by="incident-bot")
            return user
        if link is not None and link.source == EMAIL and alias not in self.mapping:
            return link.slack_user_id
        if user := await self._by_email_channel(contact_arn):
            await self._store(contact_arn, user, EMAIL, by="incident-bot")
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
        """A map file value's Slack user: the id itself, or the user with that email."""
        if USER_ID.match(value):
            return value
        if value not in self._mapped and (user := await self._lookup_email(value)):
            self._mapped[value] = user
        return self._mapped.get(value)

    async def _lookup_email(self, email: str) -> str | None:
        try:
            return await self.directory.user_by_email(email)
        except SlackRefused:  # users_not_found: nobody has it
            return None

    async def _email_of(self, slack_user_id: str) -> str | None:
        """The Slack user's email, lower-cased."""
        try:
            return await self.directory.email_of(slack_user_id)
        except SlackRefused as refused:
            log.warning("cannot read the email of %s: %s", slack_user_id, refused.code)
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
        if link is not None and link.source == SELF:
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
            await self._store(contact.arn, slack_user_id, SELF, by=slack_user_id)
        return contact

    async def link(self, slack_user_id: str, alias: str, admin: str) -> Contact:
        """An admin links someone directly, replacing any link the contact had."""
        contact = await self._person(alias)
        await self._store(contact.arn, slack_user_id, ADMIN, by=admin)
        return contact

    async def unlink_me(self, slack_user_id: str) -> int:
        async with self.database.write() as session:
            result = await changed(
                session, delete(ContactLink).where(ContactLink.slack_user_id == slack_user_id)
            )
        if result:
            log.info("Slack user %s unlinked from their contact by themselves", slack_user_id)
        return result
