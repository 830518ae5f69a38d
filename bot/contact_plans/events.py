"""What happened to a contact's plan, said by the domain and put into Slack by
``bot/presenters/plans.py``."""

from __future__ import annotations

from dataclasses import dataclass

from bot.contacts import Contact


@dataclass(frozen=True)
class PlanChanged:
    """``by`` saved an escalation plan from Slack: as it was, and as it is now (as sent, when
    AWS could not be read back)."""

    by: str
    before: Contact
    after: Contact
