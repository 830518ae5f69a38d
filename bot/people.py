"""Who is who: Incident Manager contacts and the Slack users who answer for them."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import delete, select

from bot.aws.gateway import CONTACTS, AwsGateway
from bot.config import ConfigError
from bot.errors import Conflict, InvalidInput, NotFound, ServiceUnavailable
from bot.slack.blocks import escape
from bot.store.database import Database
from bot.store.schema import ContactLink

PAGES_APPEAR_SECONDS = 0.5  # between looks for the pages of a fresh engagement
MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


@dataclass(frozen=True)
class Contact:
    arn: str
    alias: str
    display_name: str
    type: str  # PERSONAL | ESCALATION | ONCALL_SCHEDULE
    plan: dict[str, Any]

    @classmethod
    def from_aws(cls, answer: dict[str, Any]) -> Contact:
        try:
            return cls(
                answer["ContactArn"],
                answer["Alias"],
                answer.get("DisplayName") or answer["Alias"],
                answer["Type"],
                answer.get("Plan") or {},
            )
        except KeyError as exc:
            raise ServiceUnavailable(f"AWS returned a contact without {exc}; try again.") from None


def retry_minutes(contact: Contact) -> int | None:
    """The shortest ``RetryIntervalInMinutes`` of the person's channel targets, if any."""
    intervals = [
        target["ChannelTargetInfo"]["RetryIntervalInMinutes"]
        for stage in contact.plan.get("Stages") or []
        for target in stage.get("Targets") or []
        if (target.get("ChannelTargetInfo") or {}).get("RetryIntervalInMinutes")
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
        gateway: AwsGateway,
        database: Database,
        slack: AsyncWebClient,
        mapping_file: Path | None,
    ) -> None:
        self.gateway = gateway
        self.database = database
        self.slack = slack
        self.mapping = read_mapping(mapping_file)

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
            found = await self.gateway.pages(
                CONTACTS, "list_contacts", "Contacts", AliasPrefix=reference
            )
            match = next((c for c in found if c.get("Alias") == reference), None)
            if match is None:
                raise NotFound(
                    f"No Incident Manager contact has the alias `{escape(reference)}`. "
                    "Check the alias in the AWS console (Contacts)."
                )
            reference = match["ContactArn"]
        return Contact.from_aws(
            await self.gateway.call(CONTACTS, "get_contact", ContactId=reference)
        )

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
            await self._store(contact_arn, user, source)
        return user

    async def on_call_now(self, schedule: Contact) -> list[str]:
        """The contacts on call now in an on-call schedule's rotations (ListRotationShifts)."""
        start = datetime.now(UTC)
        people: list[str] = []
        for rotation in schedule.plan.get("RotationIds") or []:
            shifts = await self.gateway.pages(
                CONTACTS,
                "list_rotation_shifts",
                "RotationShifts",
                RotationId=rotation,
                StartTime=start,
                EndTime=start + timedelta(minutes=1),
            )
            people += next(iter(shifts), {}).get("ContactIds") or []
        return list(dict.fromkeys(people))

    async def paged_for(self, engagement_arn: str, attempts: int = 5) -> list[str]:
        """The contacts AWS paged for an engagement (for an on-call schedule: who is on call
        now, overrides included), waiting briefly while AWS creates the pages."""
        for attempt in range(attempts):
            pages = await self.gateway.pages(
                CONTACTS, "list_pages_by_engagement", "Pages", EngagementId=engagement_arn
            )
            if pages:
                return list(dict.fromkeys(page["ContactArn"] for page in pages))
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
        channels = await self.gateway.pages(
            CONTACTS, "list_contact_channels", "ContactChannels", ContactId=contact_arn
        )
        for channel in channels:
            if channel.get("Type") == "EMAIL":
                address = (channel.get("DeliveryAddress") or {}).get("SimpleAddress")
                if address and (user := await self._lookup_email(address)):
                    return user
        return None

    async def _store(self, contact_arn: str, user: str, source: str) -> None:
        async with self.database.write() as session:
            await session.merge(
                ContactLink(contact_arn=contact_arn, slack_user_id=user, source=source)
            )

    async def link_me(self, slack_user_id: str, alias: str) -> Contact:
        contact = await self.contact(alias)
        if contact.type != "PERSONAL":
            raise InvalidInput(
                f"`{alias}` is an {contact.type.lower().replace('_', ' ')}, not "
                "a person: link yourself to your personal contact."
            )
        # Resolve the contact's own link first (stored, mapping file, EMAIL channel), so nobody
        # can take over a colleague's pages by linking first.
        linked = await self.slack_user_for(contact.arn, contact.alias)
        if linked is not None and linked != slack_user_id:
            link = await self.link_of(contact.arn)
            if link is not None and link.source == "self":
                fix = "Ask them to `/incident unlink-me` first."
            else:
                fix = (
                    "It comes from the contact map file or the contact's email; "
                    "ask your bot admins."
                )
            raise Conflict(f"`{alias}` is already linked to <@{linked}>. {fix}")
        await self._store(contact.arn, slack_user_id, "self")
        return contact

    async def unlink_me(self, slack_user_id: str) -> int:
        async with self.database.write() as session:
            result = await session.execute(
                delete(ContactLink).where(ContactLink.slack_user_id == slack_user_id)
            )
        return result.rowcount or 0
