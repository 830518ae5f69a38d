"""ssm-contacts: one account's Contacts, its state and behaviour (moto's ``models``), an
operation family a module: contacts, their channels, rotations, engagements, pages and tags."""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from emulator.backend import Backend
from emulator.clock import Clock
from emulator.contacts.channels import ContactChannels
from emulator.contacts.contacts import Contacts
from emulator.contacts.engagements import Engagements
from emulator.contacts.pages import Pages
from emulator.contacts.rotations import Rotations
from emulator.contacts.tags import ContactTags


class ContactsBackend(
    Contacts, ContactChannels, Rotations, Engagements, Pages, ContactTags, Backend
):
    """The Contacts side of one account: who to page, how, and what was paged."""

    STATE = (
        "contacts",
        "channels",
        "rotations",
        "overrides",
        "engagements",
        "pages",
        "sent",
        "tags",
        "policies",
    )
    TOKEN_FIELD = "IdempotencyToken"

    def __init__(
        self, clock: Clock, account_id: str = "111122223333", region: str = "us-east-1"
    ) -> None:
        super().__init__()
        self.clock = clock
        self.account_id = account_id
        self.region = region
        self.contacts: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.rotations: dict[str, dict[str, Any]] = {}
        self.overrides: dict[str, dict[str, Any]] = {}  # override id → its rotation's override
        self.engagements: dict[str, dict[str, Any]] = {}
        self.pages: dict[str, dict[str, Any]] = {}
        self.sent: list[dict[str, Any]] = []
        self.tags: dict[str, list[dict[str, str]]] = {}
        self.policies: dict[str, str] = {}  # contact ARN → its resource policy

    def _arn(self, kind: str, name: str) -> str:
        return f"arn:aws:ssm-contacts:{self.region}:{self.account_id}:{kind}/{name}"

    def contact_arn(self, alias: str) -> str:
        return self._arn("contact", alias)

    def rotation_arn(self, name: str) -> str:
        return self._arn("rotation", name)

    def outbox(self) -> list[dict[str, Any]]:
        """What AWS would have sent out of band: pages with accept codes, activation codes."""
        return deepcopy(self.sent)


__all__ = ["ContactsBackend"]
