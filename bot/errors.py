"""Domain errors: what went wrong, in words a responder can act on."""

from __future__ import annotations


class DomainError(Exception):
    """An error the user should see: ``message`` says what was wrong and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    """The user (or Slack on their behalf) sent something we cannot use."""


class NotFound(DomainError):
    """The incident, contact or item named does not exist."""


class Conflict(DomainError):
    """The change clashes with the current state (e.g. the item is already there)."""


class Throttled(DomainError):
    """AWS asked us to slow down and retries did not get through."""


class AccessDenied(DomainError):
    """The bot's IAM identity lacks a permission; names the missing action."""


class ServiceUnavailable(DomainError):
    """AWS could not be reached or failed on its side."""


class Refused(DomainError):
    """The permission policy refused the person; the message says who may."""


class SlackRefused(DomainError):
    """Slack refused a call the domain needed (through a port): its error ``code``, whether
    the refusal is ``for_good`` (a missing scope, a bad request) or for now (rate limited, an
    outage), and ``message``, the reason in words."""

    def __init__(self, code: str, for_good: bool, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.for_good = for_good
