"""Who may press a button or submit a form, declared beside it in its registry
(``handlers/actions/registry.py``, ``handlers/views/registry.py``) and checked by the one
listener that runs them all, on the subject as the server re-derived it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from bot.permissions import Right

if TYPE_CHECKING:
    from bot.contacts import Contact
    from bot.services import Services

S = TypeVar("S")


class OfIncident(Protocol):
    """A subject that belongs to one incident (the incident itself, an escalation of it…)."""

    @property
    def incident_arn(self) -> str: ...


Subject = TypeVar("Subject", bound=OfIncident)


@dataclass(frozen=True)
class OnIncident:
    """An incident as a button or form names it (who may change it is checked on it; what it
    holds is read from AWS as the button or form acts)."""

    incident_arn: str


@dataclass(frozen=True)
class Who(Generic[S]):
    """Who may act, as a person reads it (``says``), and the check: ``Refused`` for anyone
    else. ``anyone``: any person may legitimately act (their own subject, or consent), which
    the re-derived subject makes safe; the generated replay test checks this declaration."""

    says: str
    check: Callable[[Services, str, S], Awaitable[None]]
    anyone: bool = False


async def _nothing_more(_services: Services, _user: str, _subject: Any) -> None:
    """The subject was re-derived from who acts (or the service that acts decides): no more."""


def changers(what: str) -> Who[Subject]:
    """Whoever may change the subject's incident (``Right.CHANGE``)."""

    async def check(services: Services, user: str, subject: Subject) -> None:
        await services.permissions.require(user, Right.CHANGE, subject.incident_arn, what)

    return Who(f"who may {what} on the incident (bot/permissions.py, CHANGE)", check)


def members(what: str) -> Who[Any]:
    """Whoever may declare and read incidents (``Right.MEMBER``)."""

    async def check(services: Services, user: str, _subject: Any) -> None:
        await services.permissions.require(user, Right.MEMBER, None, what)

    return Who(f"who may {what} (bot/permissions.py, MEMBER)", check)


def plan_editors() -> Who[Contact]:
    """Whoever may edit the escalation plan, as AWS holds it now (``PLAN_EDITORS``)."""

    async def check(services: Services, user: str, plan: Contact) -> None:
        await services.plans.require_editor(user, plan)

    return Who("admins, or with PLAN_EDITORS=members the plan's own people", check)


def anyone(says: str) -> Who[Any]:
    """Anyone, for the reason ``says`` gives: the subject is their own (re-derived from who
    acts, not from the claim), or acting is consent."""
    return Who(says, _nothing_more, anyone=True)


def decided_by(says: str) -> Who[Any]:
    """The service that acts re-derives the subject and decides who may, as ``says`` states;
    the replay test holds it to that."""
    return Who(says, _nothing_more)
