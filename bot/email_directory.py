"""Which personal contacts have an EMAIL channel at an address. AWS has no search by channel,
so the bot reads every personal contact's channels at most once per ``DIRECTORY_SECONDS`` (one
read at a time, however many ask meanwhile), not on every press; an address not found meanwhile
costs a listing of the contacts (``ListContacts``, a call per 100) and the channels of those added
since, so a contact created a minute ago is found at once."""

from __future__ import annotations

import asyncio
import time

from bot.aws.contacts import ContactsPort
from bot.vocabulary import ContactType

DIRECTORY_SECONDS = 600.0  # how long a reading of every contact's email channels is trusted


class EmailDirectory:
    def __init__(self, aws: ContactsPort, seconds: float = DIRECTORY_SECONDS) -> None:
        self.aws = aws
        self.seconds = seconds
        self._read_at: float | None = None
        self._addresses: dict[str, list[str]] = {}  # contact ARN → its email addresses
        self._reading = asyncio.Lock()

    async def contacts_with(self, address: str) -> list[str]:
        """The personal contacts (ARNs, sorted) with an EMAIL channel at ``address``."""
        address = address.strip().lower()
        async with self._reading:
            if self._read_at is None or time.monotonic() - self._read_at > self.seconds:
                await self._read(everyone=True)
            elif not self._found(address):
                await self._read(everyone=False)
            return self._found(address)

    def _found(self, address: str) -> list[str]:
        return sorted(arn for arn, theirs in self._addresses.items() if address in theirs)

    async def _read(self, everyone: bool) -> None:
        """Every personal contact's addresses, or only those of contacts not read yet (the
        ones gone are forgotten either way)."""
        found = await self.aws.find("", None)
        people = {c.arn for c in found if c.type == ContactType.PERSONAL}
        known = {arn: theirs for arn, theirs in self._addresses.items() if arn in people}
        wanted = sorted(people if everyone else people - known.keys())
        read = await asyncio.gather(*(self.aws.email_addresses(arn) for arn in wanted))
        for arn, theirs in zip(wanted, read, strict=True):
            known[arn] = [address.strip().lower() for address in theirs]
        self._addresses = known
        if everyone:
            self._read_at = time.monotonic()
