"""What paging needs to hear back from Slack, as the domain names it; ``bot.presenters.paging``
answers it in Slack and the composition root plugs it in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.incidents.record import Incident


@dataclass(frozen=True)
class PageToSend:
    """One page as its person's direct message shows it, with its Acknowledge button."""

    notice_id: str
    escalation_id: str | None  # an escalation's page also offers Escalate now
    incident: Incident
    paged_by: str
    stage: int  # from 1
    stages: int


@dataclass(frozen=True)
class PostedPage:
    """Where a page's direct message is: its channel and ts, to update it later."""

    channel: str
    ts: str


class PageMessages(Protocol):
    """The direct messages that carry pages."""

    async def find(self, user_id: str, notice_id: str) -> PostedPage | None:
        """The page's message already in the person's DMs (a crashed worker sent it), if any;
        None too when the DMs cannot be read."""
        ...

    async def send(self, user_id: str, page: PageToSend) -> PostedPage:
        """DM the page to the person; ``SlackRefused`` when Slack will not."""
        ...
