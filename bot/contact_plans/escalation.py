"""Escalation plans shown and edited from Slack: who may, what AWS accepts, and saving the
whole plan with UpdateContact only when nobody changed it in AWS meanwhile."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.aws.contacts import ContactsPort
from bot.aws.errors import briefly
from bot.aws.plan_limits import PlanLimits, plan_limits
from bot.config import Settings
from bot.contact_plans.events import PlanChanged
from bot.contacts import Contact, PlanStage, PlanTarget, alias_of
from bot.errors import Conflict, DomainError, InvalidInput, NotFound, Refused
from bot.events import Bus
from bot.mrkdwn import escape
from bot.numbers import BadNumber, Bounds
from bot.people import People
from bot.permissions import Permissions, Right
from bot.vocabulary import ContactType

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Member:
    """A plan target as people know it: its alias, name, kind and (a person) their Slack user."""

    arn: str
    alias: str
    name: str
    type: ContactType | None
    slack_user: str | None


@dataclass(frozen=True)
class DraftStage:
    """A stage as the form holds it: the minutes as typed, the targets chosen."""

    minutes: str
    targets: tuple[PlanTarget, ...]


class PlanChangedMeanwhile(Conflict):
    """The plan changed in AWS since the form opened; ``plan`` is what AWS holds now."""

    def __init__(self, plan: Contact) -> None:
        super().__init__(
            f"`{plan.alias}` was changed by someone else since you opened the form, so nothing "
            "was saved. This is the plan now; edit it again to change it."
        )
        self.plan = plan


@dataclass(frozen=True)
class Saved:
    """A plan saved in AWS: as it was, and as it is now (``read_back`` False: AWS took the
    change but could not be read again, so ``after`` is the plan as sent, and ``unread`` says
    why)."""

    before: Contact
    after: Contact
    unread: str = ""

    @property
    def read_back(self) -> bool:
        return not self.unread


def fingerprint(stages: Sequence[PlanStage]) -> str:
    """A short digest of a plan's stages, to tell whether AWS's copy changed."""
    text = json.dumps(
        [
            [s.minutes, [[t.contact_arn, t.essential, t.channel_arn] for t in s.targets]]
            for s in stages
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def checked(
    draft: Sequence[DraftStage], limits: PlanLimits
) -> tuple[tuple[PlanStage, ...], dict[int, str]]:
    """The stages AWS would accept, and what is wrong with each stage that it would not (by
    the stage's index), checked against botocore's model before anything is sent."""
    minutes = Bounds(*limits.minutes, "minutes", set_by="AWS", per=" per stage")
    stages: list[PlanStage] = []
    problems: dict[int, str] = {}
    for index, stage in enumerate(draft):
        try:
            duration = minutes.read(stage.minutes)
        except BadNumber as wrong:
            problems[index] = wrong.message
            continue
        if not stage.targets:
            problems[index] = "This stage has no target: add one, or remove the stage."
        elif limits.targets is not None and len(stage.targets) > limits.targets:
            problems[index] = (
                f"AWS allows at most {limits.targets} targets in a stage; this one has "
                f"{len(stage.targets)}."
            )
        elif limits.stages is not None and index >= limits.stages:
            problems[index] = f"AWS allows at most {limits.stages} stages; remove this one."
        else:
            stages.append(PlanStage(duration, stage.targets))
    return tuple(stages), problems


def stages_summary(stages: Sequence[PlanStage]) -> str:
    """A plan in one line: ``1) 5 min: alice*; 2) 10 min: bob*, carol`` (* essential)."""
    if not stages:
        return "no stages"
    return "; ".join(
        f"{index}) {stage.minutes} min: "
        + ", ".join(
            f"{alias_of(t.contact_arn or '?')}{'*' if t.essential else ''}" for t in stage.targets
        )
        for index, stage in enumerate(stages, 1)
    )


class EscalationPlans:
    def __init__(
        self,
        contacts: ContactsPort,
        people: People,
        permissions: Permissions,
        settings: Settings,
        bus: Bus,
    ) -> None:
        self.contacts = contacts
        self.people = people
        self.permissions = permissions
        self.settings = settings
        self.bus = bus
        self.limits = plan_limits()
        self._saving: dict[str, asyncio.Lock] = {}  # one save per plan at a time, here

    async def plan(self, reference: str) -> Contact:
        """The escalation plan with this alias (or ARN)."""
        if not reference.strip():
            raise InvalidInput("Name the escalation plan: `/incident plan <alias>`.")
        contact = await self.people.contact(reference)
        if contact.type != ContactType.ESCALATION:
            kind = contact.type.lower().replace("_", " ")
            raise InvalidInput(
                f"`{escape(contact.alias)}` is an {kind}, not an escalation plan. "
                "`/incident whois` describes it."
            )
        return contact

    async def members(self, arns: Sequence[str]) -> dict[str, Member]:
        """Who each target is: its alias, name and kind from ListContacts, and for a person
        the Slack user linked to it."""
        wanted = set(arns)
        known = {c.arn: c for c in await self.contacts.find("", None) if c.arn in wanted}
        found: dict[str, Member] = {}
        for arn in arns:
            contact = known.get(arn)
            alias = contact.alias if contact else alias_of(arn)
            user = None
            if contact and contact.type == ContactType.PERSONAL:
                user = await self.people.slack_user_for(arn, alias)
            found[arn] = Member(
                arn,
                alias,
                contact.display_name if contact else alias,
                contact.type if contact else None,
                user,
            )
        return found

    async def search(self, prefix: str, limit: int) -> list[Contact]:
        """Contacts a stage may target, by alias prefix (ListContacts AliasPrefix)."""
        return await self.contacts.find(prefix.strip(), limit)

    async def offerable(self, contact_arn: str, plan_arn: str) -> Contact:
        """The contact ``contact_arn`` names, as AWS holds it, when the plan's form may offer
        it as a target (any contact but the plan itself); else why not."""
        if contact_arn == plan_arn:
            raise InvalidInput("A plan cannot page itself: choose another target.")
        contact = await self.contacts.contact(contact_arn)
        if contact.arn != contact_arn:
            raise NotFound("That target is not a contact AWS knows: choose one the menu offers.")
        return contact

    async def _check_targets(self, plan_arn: str, stages: Sequence[PlanStage]) -> None:
        """Every target is a contact AWS lists now, and none is the plan itself."""
        known = {contact.arn for contact in await self.contacts.find("", None)}
        for stage in stages:
            for target in stage.targets:
                if target.contact_arn == plan_arn:
                    raise InvalidInput("A plan cannot page itself: nothing was saved.")
                if target.contact_arn not in known:
                    raise NotFound(
                        f"`{escape(alias_of(target.contact_arn or '?'))}` is no longer a "
                        "contact in AWS: nothing was saved. Remove it and save again."
                    )

    async def require_editor(self, user_id: str, plan: Contact) -> None:
        """Admins may edit any plan; with PLAN_EDITORS=members, so may the plan's own members
        (a contact linked to them is one of its targets)."""
        what = f"edit the escalation plan `{plan.alias}`"
        decision = await self.permissions.decide(user_id, Right.ADMIN, None, what)
        if decision.allowed:
            return
        if self.settings.plan_editors == "members":
            targets = {t.contact_arn for s in plan.stages for t in s.targets if t.contact_arn}
            if await self.people.answers_for(user_id, targets):
                return
            raise Refused(f"{decision.refusal} So may the people in the plan (linked to Slack).")
        raise Refused(decision.refusal)

    async def save(
        self, user_id: str, plan_arn: str, read: str, stages: tuple[PlanStage, ...]
    ) -> Saved:
        """Replace the plan's stages (who may is checked before, on the plan as AWS holds it),
        unless AWS's copy is no longer the one read (``read``, its fingerprint when the form
        opened) or a target is not a contact AWS has (or is the plan). Two saves of one plan in
        this process run one after the other, so the second sees the first's change. Who
        changed what, before → after, is said in the on-call channel."""
        async with self._saving.setdefault(plan_arn, asyncio.Lock()):
            before = await self.contacts.contact(plan_arn)
            if fingerprint(before.stages) != read:
                raise PlanChangedMeanwhile(before)
            await self._check_targets(plan_arn, stages)
            await self.contacts.update_plan(plan_arn, stages, before.rotation_ids)
            saved = await self._read_back(before, stages)
        log.info(
            "escalation plan %s changed by Slack user %s: %s -> %s%s",
            plan_arn,
            user_id,
            stages_summary(before.stages),
            stages_summary(saved.after.stages),
            "" if saved.read_back else " (as sent: not read back)",
        )
        await self.bus.publish(PlanChanged(user_id, saved.before, saved.after))
        return saved

    async def _read_back(self, before: Contact, stages: tuple[PlanStage, ...]) -> Saved:
        """The plan as AWS holds it after the change; when it cannot be read, as it was sent."""
        try:
            return Saved(before, await self.contacts.contact(before.arn))
        except DomainError as error:
            log.warning("plan %s saved but not read back: %s", before.arn, error.message)
            return Saved(before, replace(before, stages=stages), briefly(error))
