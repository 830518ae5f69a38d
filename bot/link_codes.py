"""Codes people type: proving a ``link-me`` (a one-time code sent through AWS to the
contact's own channels) and activating a contact channel (AWS checks that code; the tries are
counted here). Five wrong tries lock either until its window ends."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid

from bot.aws.contacts import ContactsPort
from bot.contacts import Contact
from bot.errors import InvalidInput
from bot.store.database import Database
from bot.store.schema import ActivationTry, LinkCode

CODE_MINUTES = 15  # a code's life
MOST_WRONG_TRIES = 5  # then the contact's code is locked until it expires
SUBJECT = "incident-bot: your Slack link code"


def _hash(contact_arn: str, slack_user_id: str, code: str) -> str:
    return hashlib.sha256(f"{contact_arn}\n{slack_user_id}\n{code.strip()}".encode()).hexdigest()


def _locked(row: LinkCode) -> InvalidInput:
    at = time.strftime("%H:%M UTC", time.gmtime(row.expires_at))
    return InvalidInput(
        f"Too many wrong codes for this contact: it is locked until {at}. "
        "Then run `/incident link-me <contact-alias>` for a new code."
    )


class ActivationTries:
    """The activation codes typed for a contact channel: each try is counted before AWS is
    asked (so tries sent at once count too) and forgotten when one is right; after
    ``MOST_WRONG_TRIES`` the channel takes none until ``CODE_MINUTES`` after the first, and a
    new code does not lift that."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def take(self, channel_arn: str) -> int:
        """Count one try; the tries left after it, or InvalidInput when none is left."""
        now = time.time()
        async with self.database.write() as session:
            row = await session.get(ActivationTry, channel_arn, with_for_update=True)
            if row is None or row.until <= now:
                row = await session.merge(
                    ActivationTry(
                        channel_arn=channel_arn, wrong_tries=0, until=now + CODE_MINUTES * 60
                    )
                )
            if row.wrong_tries >= MOST_WRONG_TRIES:
                at = time.strftime("%H:%M UTC", time.gmtime(row.until))
                raise InvalidInput(
                    f"Too many wrong codes for this channel: it takes none until {at}. Then "
                    "press **Activate** again for a new code."
                )
            row.wrong_tries += 1
            return MOST_WRONG_TRIES - row.wrong_tries

    async def right(self, channel_arn: str) -> None:
        """The code was right: its tries are forgotten."""
        async with self.database.write() as session:
            row = await session.get(ActivationTry, channel_arn)
            if row is not None:
                await session.delete(row)


class LinkCodes:
    def __init__(self, contacts: ContactsPort, database: Database) -> None:
        self.contacts = contacts
        self.database = database

    async def send(self, contact: Contact, slack_user_id: str, user_name: str) -> None:
        """A fresh code to the contact (a StartEngagement with no incident); the row keeps its
        hash and, while unexpired, the wrong tries so far (a new code does not reset a lock)."""
        now = time.time()
        async with self.database.session() as session:
            row = await session.get(LinkCode, contact.arn)
        tries = row.wrong_tries if row is not None and row.expires_at > now else 0
        if row is not None and tries >= MOST_WRONG_TRIES:
            raise _locked(row)
        code = f"{secrets.randbelow(1_000_000):06d}"
        # kept before it is sent, so a code typed the moment it arrives is known
        async with self.database.write() as session:
            await session.merge(
                LinkCode(
                    contact_arn=contact.arn,
                    slack_user_id=slack_user_id,
                    code_hash=_hash(contact.arn, slack_user_id, code),
                    expires_at=now + CODE_MINUTES * 60,
                    wrong_tries=tries,
                )
            )
        await self.contacts.start_engagement(
            contact.arn,
            SUBJECT,
            f"Slack user {user_name} ({slack_user_id}) asked to receive your incident pages. "
            f"If that is you, run `/incident link-me {contact.alias} {code}` in Slack within "
            f"{CODE_MINUTES} minutes. If not, ignore this message. Code: {code}",
            None,
            str(uuid.uuid4()),
        )

    async def redeem(self, contact: Contact, slack_user_id: str, code: str) -> None:
        """Accept the code once (then it is gone); a wrong, expired or locked one is refused."""
        async with self.database.write() as session:
            row = await session.get(LinkCode, contact.arn, with_for_update=True)
            refusal = _refusal(row, contact, slack_user_id, code)
            if row is not None and refusal is None:
                await session.delete(row)
            elif row is not None and row.slack_user_id == slack_user_id:
                row.wrong_tries += 1
        if refusal is not None:
            raise refusal


def _refusal(
    row: LinkCode | None, contact: Contact, slack_user_id: str, code: str
) -> InvalidInput | None:
    """Why this code does not prove the link, or None when it does."""
    again = f"Run `/incident link-me {contact.alias}` for a new code."
    if row is None or row.slack_user_id != slack_user_id:
        return InvalidInput(
            f"No code for `{contact.alias}` is waiting for you (a code works once). {again}"
        )
    if row.expires_at <= time.time():
        return InvalidInput(f"That code has expired. {again}")
    if row.wrong_tries >= MOST_WRONG_TRIES:
        return _locked(row)
    if not hmac.compare_digest(row.code_hash, _hash(contact.arn, slack_user_id, code)):
        left = MOST_WRONG_TRIES - row.wrong_tries - 1
        return InvalidInput(
            f"That code is wrong ({left} tries left). Use the code AWS sent to "
            f"`{contact.alias}`'s own channels."
        )
    return None
