"""Whether a page was answered through AWS (an SMS, voice or email reply) rather than in Slack.

Before a later stage starts, the runner asks AWS (``ListPagesByEngagement``) whether anyone
answered a page of the stages before it. In an alarm storm those reads would sit on the
critical path of every stage: the leader reads them a little ahead instead (planned at
``READ_AT`` of ``look_ahead`` before the stage falls due), and a due wave takes a read sent
less than ``look_ahead`` before the due time as the answer rather than asking again. So an
answer given in AWS less than ``look_ahead`` before the next stage fell due can be missed, as
one given while the stage was starting always could; ``look_ahead`` is a few seconds, and a
tenth of a short stage.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable

from bot.aws.contacts import ContactsPort
from bot.contacts import alias_of
from bot.errors import DomainError

log = logging.getLogger(__name__)

LOOK_AHEAD = 5.0  # seconds before a stage falls due that its answers are read, at most
STAGE_SHARE = 0.1  # ... and at most this share of the stage before it
READ_AT = 0.8  # share of ``look_ahead`` before the due time that the read is planned: inside it
FORGET = 120.0  # seconds after which a read is of no use


def look_ahead(minutes: int, time_scale: float) -> float:
    """How long before a stage falls due its answers are read (the stage before it lasts
    ``minutes`` plan minutes of ``time_scale`` seconds)."""
    return min(LOOK_AHEAD, minutes * time_scale * STAGE_SHARE)


class AnswersInAws:
    """Reads of engagements' pages, each remembered with when it was sent; a read in flight
    is shared by whoever asks for it meanwhile, and one that failed is forgotten."""

    def __init__(self, contacts: ContactsPort) -> None:
        self.contacts = contacts
        self._reads: dict[str, tuple[float, asyncio.Future[str | None]]] = {}
        self._forget_at = 1000  # reads remembered before the old ones are dropped

    async def who(
        self, engagements: Iterable[str], fresh_since: float | None = None, urgent: bool = False
    ) -> str | None:
        """The alias of whoever acknowledged one of these engagements' pages in AWS, if one
        did. A read sent at or after ``fresh_since`` (epoch seconds) is taken as it is; with
        none, every engagement is read now."""
        for engagement in dict.fromkeys(engagements):
            known = self._reads.get(engagement)
            if known is None or fresh_since is None or known[0] < fresh_since:
                known = self._read(engagement, urgent)
            try:
                who = await asyncio.shield(known[1])
            except DomainError as error:  # unsure: page on rather than miss someone
                log.warning("could not read the pages of %s: %s", engagement, error.message)
                continue
            if who:
                return who
        return None

    async def read(self, engagements: Iterable[str]) -> None:
        """Read these engagements' pages now, for a stage about to fall due."""
        reads = [self._read(e, False)[1] for e in dict.fromkeys(engagements)]
        await asyncio.gather(*reads, return_exceptions=True)

    def _read(self, engagement: str, urgent: bool) -> tuple[float, asyncio.Future[str | None]]:
        sent = time.time()
        if len(self._reads) > self._forget_at:
            self._reads = {e: r for e, r in self._reads.items() if r[0] >= sent - FORGET}
            self._forget_at = max(1000, 2 * len(self._reads))
        reading = (sent, asyncio.ensure_future(self._answered(engagement, urgent)))
        self._reads[engagement] = reading

        def failed(done: asyncio.Future[str | None]) -> None:
            if (done.cancelled() or done.exception()) and self._reads.get(engagement) is reading:
                del self._reads[engagement]  # the next one asking reads again

        reading[1].add_done_callback(failed)
        return reading

    async def _answered(self, engagement: str, urgent: bool) -> str | None:
        pages = await self.contacts.pages_of(engagement, urgent)
        read = next((page for page in pages if page.read), None)
        return alias_of(read.contact_arn) if read else None
