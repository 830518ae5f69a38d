"""The ssm-contacts side, by name: contacts and their plans, rotations, engagements, pages.

Every request and answer shape of ssm-contacts lives here (a contact's raw plan is parsed
here and nowhere else); callers get the domain's types.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import botocore.session

from bot.aws.gateway import CONTACTS, AwsGateway
from bot.contacts import (
    Contact,
    ContactChannel,
    Engagement,
    Override,
    Page,
    PlanStage,
    PlanTarget,
    Shift,
)
from bot.errors import ServiceUnavailable
from bot.vocabulary import ContactType

log = logging.getLogger(__name__)

SENDER = "incident-bot"


@cache
def _alias_shape() -> tuple[re.Pattern[str], int]:
    """What a contact's alias may be, as botocore's model says (``ContactAlias``)."""
    model = botocore.session.get_session().get_service_model("ssm-contacts")
    alias = model.shape_for("ContactAlias").metadata
    return re.compile(alias["pattern"]), int(alias["max"])


def could_be_alias(text: str) -> bool:
    """Whether some contact could have ``text`` as its alias (else none has, and AWS is not
    asked: it would refuse the request, repeating what was typed)."""
    pattern, longest = _alias_shape()
    return 0 < len(text) <= longest and pattern.fullmatch(text) is not None


def _target(raw: dict[str, Any]) -> PlanTarget:
    contact = raw.get("ContactTargetInfo") or {}
    channel = raw.get("ChannelTargetInfo") or {}
    return PlanTarget(
        contact.get("ContactId"),
        bool(contact.get("IsEssential")),
        channel.get("RetryIntervalInMinutes"),
        channel.get("ContactChannelId"),
    )


def _raw_target(target: PlanTarget) -> dict[str, Any]:
    if target.channel_arn:
        info: dict[str, Any] = {"ContactChannelId": target.channel_arn}
        if target.retry_minutes is not None:
            info["RetryIntervalInMinutes"] = target.retry_minutes
        return {"ChannelTargetInfo": info}
    return {"ContactTargetInfo": {"ContactId": target.contact_arn, "IsEssential": target.essential}}


def _channel(raw: dict[str, Any]) -> ContactChannel:
    address = raw.get("DeliveryAddress") or {}
    return ContactChannel(
        raw["ContactChannelArn"],
        raw.get("Name") or raw["Type"],
        raw["Type"],
        address.get("SimpleAddress") or "",
        raw.get("ActivationStatus") == "ACTIVATED",
    )


def _contact(answer: dict[str, Any]) -> Contact:
    plan = answer.get("Plan") or {}
    try:
        return Contact(
            answer["ContactArn"],
            answer["Alias"],
            answer.get("DisplayName") or answer["Alias"],
            ContactType(answer["Type"]),
            tuple(
                PlanStage(
                    int(stage.get("DurationInMinutes") or 0),
                    tuple(_target(t) for t in stage.get("Targets") or []),
                )
                for stage in plan.get("Stages") or []
            ),
            tuple(plan.get("RotationIds") or []),
        )
    except (KeyError, ValueError) as exc:
        log.warning("unreadable contact from AWS: %r", exc)
        raise ServiceUnavailable("AWS returned a contact the bot cannot read; try again.") from None


class ContactsPort:
    def __init__(self, gateway: AwsGateway) -> None:
        self.gateway = gateway

    # -- contacts --------------------------------------------------------------
    async def contact(self, contact_id: str) -> Contact:
        return _contact(await self.gateway.call(CONTACTS, "get_contact", ContactId=contact_id))

    async def contact_arn(self, alias: str) -> str | None:
        """The ARN of the contact with exactly this alias, if one has it."""
        if not could_be_alias(alias):
            return None
        found = await self.gateway.pages(CONTACTS, "list_contacts", "Contacts", AliasPrefix=alias)
        return next((c["ContactArn"] for c in found if c.get("Alias") == alias), None)

    async def find(self, alias_prefix: str, limit: int | None) -> list[Contact]:
        """The contacts (up to ``limit``) whose alias starts with ``alias_prefix``, without
        their plans (ListContacts)."""
        prefix: dict[str, Any] = {"AliasPrefix": alias_prefix} if alias_prefix else {}
        found = await self.gateway.pages(CONTACTS, "list_contacts", "Contacts", limit, **prefix)
        return [_contact(raw) for raw in found]

    async def update_plan(
        self, contact_arn: str, stages: tuple[PlanStage, ...], rotation_ids: tuple[str, ...]
    ) -> None:
        """Replace the contact's whole plan (UpdateContact)."""
        plan: dict[str, Any] = {
            "Stages": [
                {
                    "DurationInMinutes": stage.minutes,
                    "Targets": [_raw_target(t) for t in stage.targets],
                }
                for stage in stages
            ]
        }
        if rotation_ids:
            plan["RotationIds"] = list(rotation_ids)
        await self.gateway.call(CONTACTS, "update_contact", ContactId=contact_arn, Plan=plan)

    async def channels(self, contact_arn: str) -> list[ContactChannel]:
        raw = await self.gateway.pages(
            CONTACTS, "list_contact_channels", "ContactChannels", ContactId=contact_arn
        )
        return [_channel(channel) for channel in raw]

    async def send_activation_code(self, channel_arn: str) -> None:
        await self.gateway.call(CONTACTS, "send_activation_code", ContactChannelId=channel_arn)

    async def activate_channel(self, channel_arn: str, code: str) -> None:
        await self.gateway.call(
            CONTACTS, "activate_contact_channel", ContactChannelId=channel_arn, ActivationCode=code
        )

    async def email_addresses(self, contact_arn: str) -> list[str]:
        """The addresses of the contact's EMAIL channels."""
        channels = await self.gateway.pages(
            CONTACTS, "list_contact_channels", "ContactChannels", ContactId=contact_arn
        )
        return [
            address
            for channel in channels
            if channel.get("Type") == "EMAIL"
            and (address := (channel.get("DeliveryAddress") or {}).get("SimpleAddress"))
        ]

    async def on_call(self, rotation_id: str, at: datetime) -> list[str]:
        """The contacts on call in a rotation at ``at`` (its shift then)."""
        shifts = await self.gateway.pages(
            CONTACTS,
            "list_rotation_shifts",
            "RotationShifts",
            RotationId=rotation_id,
            StartTime=at,
            EndTime=at + timedelta(minutes=1),
        )
        return list(next(iter(shifts), {}).get("ContactIds") or [])

    async def schedule_arns(self) -> list[str]:
        """Every on-call schedule's ARN (``ListContacts`` of type ONCALL_SCHEDULE)."""
        found = await self.gateway.pages(
            CONTACTS, "list_contacts", "Contacts", Type=ContactType.ONCALL_SCHEDULE.value
        )
        return [c["ContactArn"] for c in found]

    async def rotation_members(self, rotation_id: str) -> list[str]:
        """The contacts a rotation takes turns among (``GetRotation``)."""
        answer = await self.gateway.call(CONTACTS, "get_rotation", RotationId=rotation_id)
        return list(answer.get("ContactIds") or [])

    async def shifts(self, rotation_id: str, start: datetime, end: datetime) -> list[Shift]:
        """A rotation's shifts over ``[start, end)``, overrides cut in."""
        found = await self.gateway.pages(
            CONTACTS,
            "list_rotation_shifts",
            "RotationShifts",
            RotationId=rotation_id,
            StartTime=start,
            EndTime=end,
        )
        return [
            Shift(
                rotation_id,
                tuple(s.get("ContactIds") or []),
                s["StartTime"],
                s["EndTime"],
                s.get("Type") == "OVERRIDDEN",
                tuple((s.get("ShiftDetails") or {}).get("OverriddenContactIds") or []),
            )
            for s in found
        ]

    async def overrides(self, rotation_id: str, start: datetime, end: datetime) -> list[Override]:
        found = await self.gateway.pages(
            CONTACTS,
            "list_rotation_overrides",
            "RotationOverrides",
            RotationId=rotation_id,
            StartTime=start,
            EndTime=end,
        )
        return [
            Override(
                rotation_id,
                o["RotationOverrideId"],
                tuple(o.get("NewContactIds") or []),
                o["StartTime"],
                o["EndTime"],
            )
            for o in found
        ]

    async def create_override(
        self,
        rotation_id: str,
        contact_arns: Sequence[str],
        start: datetime,
        end: datetime,
        token: str,
    ) -> str:
        """Put ``contact_arns`` on call instead of the rotation's people from ``start`` to
        ``end`` (whoever should stay on call must be among them)."""
        answer = await self.gateway.call(
            CONTACTS,
            "create_rotation_override",
            RotationId=rotation_id,
            NewContactIds=list(contact_arns),
            StartTime=start,
            EndTime=end,
            IdempotencyToken=token,
        )
        return str(answer["RotationOverrideId"])

    async def delete_override(self, rotation_id: str, override_id: str) -> None:
        await self.gateway.call(
            CONTACTS,
            "delete_rotation_override",
            RotationId=rotation_id,
            RotationOverrideId=override_id,
        )

    # -- engagements and pages -------------------------------------------------------
    async def start_engagement(
        self, contact_arn: str, subject: str, content: str, incident_arn: str | None, token: str
    ) -> str:
        """Engage a contact (ahead of other AWS calls: a page matters most); with no incident
        for a message of the bot's own (a link code)."""
        about = {"IncidentId": incident_arn} if incident_arn else {}
        answer = await self.gateway.call(
            CONTACTS,
            "start_engagement",
            urgent=True,
            ContactId=contact_arn,
            Sender=SENDER,
            Subject=subject[:2048],
            Content=content,
            IdempotencyToken=token,
            **about,
        )
        return str(answer["EngagementArn"])

    async def stop_engagement(self, engagement_arn: str, reason: str) -> None:
        await self.gateway.call(
            CONTACTS, "stop_engagement", EngagementId=engagement_arn, Reason=reason[:255]
        )

    async def engagements_since(self, start: datetime) -> list[Engagement]:
        """Every engagement started at or after ``start``, of any incident (or of none)."""
        engagements = await self.gateway.pages(
            CONTACTS, "list_engagements", "Engagements", TimeRangeValue={"StartTime": start}
        )
        return [
            Engagement(
                e["EngagementArn"],
                e.get("Sender"),
                bool(e.get("StopTime")),
                e.get("IncidentId") or None,
                e.get("StartTime"),
            )
            for e in engagements
        ]

    async def pages_of(self, engagement_arn: str, urgent: bool = False) -> list[Page]:
        pages = await self.gateway.pages(
            CONTACTS,
            "list_pages_by_engagement",
            "Pages",
            urgent=urgent,
            EngagementId=engagement_arn,
        )
        return [Page(p["PageArn"], p["ContactArn"], bool(p.get("ReadTime"))) for p in pages]

    async def accept_page(self, page_arn: str, note: str) -> None:
        await self.gateway.call(
            CONTACTS,
            "accept_page",
            PageId=page_arn,
            AcceptType="READ",
            AcceptCode="000000",
            AcceptCodeValidation="IGNORE",
            Note=note,
        )
