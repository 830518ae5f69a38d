"""An incident record as AWS returns it, checked at the edge, and what hangs off it: its
response plan, related items and timeline events; and what is shown of it (its card, its
announcement, its export)."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.errors import InvalidInput, ServiceUnavailable
from bot.mrkdwn import escape
from bot.numbers import BadNumber, whole_number

log = logging.getLogger(__name__)

IMPACTS = {1: "Critical", 2: "High", 3: "Medium", 4: "Low", 5: "No Impact"}
# an incident record's ARN, as botocore's ``Arn`` pattern has it for ssm-incidents (1,000 at most)
INCIDENT_ID = re.compile(r"[A-Za-z0-9-]{1,128}")  # an incident record ARN's last part
INCIDENT_ARN = re.compile(r"arn:aws(-cn|-us-gov)?:ssm-incidents::[0-9]{12}:incident-record/\S+")
TITLE_LIMIT = 200
SUMMARY_LIMIT = 8000
OPEN, RESOLVED = "OPEN", "RESOLVED"


def impact_label(impact: int) -> str:
    return f"{impact} {IMPACTS[impact]}"


def parse_impact(text: str) -> int:
    """``"2"`` → 2; anything outside 1 to 5 is refused with what to type instead."""
    try:
        return whole_number(text, min(IMPACTS), max(IMPACTS))
    except BadNumber:
        choices = ", ".join(f"{n} ({label})" for n, label in IMPACTS.items())
        sent = f" You sent `{escape(text)}`." if text.strip() else ""
        raise InvalidInput(f"Impact must be a number from 1 to 5: {choices}.{sent}") from None


def incident_arn(claim: str) -> str:
    """``claim`` when it has the shape of an incident record's ARN, else InvalidInput."""
    if len(claim) > 1000 or not INCIDENT_ARN.fullmatch(claim):
        raise InvalidInput("That is not an incident I know of: nothing was changed.")
    return claim


def incident_reference(claim: str) -> str:
    """``claim`` when it has the shape of an incident's ARN or of its id (the ARN's last part),
    else InvalidInput."""
    if INCIDENT_ID.fullmatch(claim):
        return claim
    return incident_arn(claim)


BLANK_LETTERS = frozenset("\u115f\u1160\u2800\u3164\uffa0")  # show as nothing, yet are letters


def invisible(char: str) -> bool:
    """Whitespace, a control or format character (zero-width, RTL marks…), or a blank letter."""
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf") or char in BLANK_LETTERS


def check_title(title: str) -> str:
    title = title.strip()
    if all(invisible(char) for char in title):
        raise InvalidInput(
            "The title is empty (or only spaces and invisible characters): "
            "give the incident a short title."
        )
    if len(title) > TITLE_LIMIT:
        raise InvalidInput(
            f"The title is {len(title)} characters; Incident Manager takes at most "
            f"{TITLE_LIMIT}. Shorten it and try again."
        )
    return title


def check_summary(summary: str) -> str:
    if len(summary) > SUMMARY_LIMIT:
        raise InvalidInput(
            f"The summary is {len(summary):,} characters; Incident Manager takes at most "
            f"{SUMMARY_LIMIT:,}. Shorten it and try again."
        )
    return summary


@dataclass(frozen=True)
class Trigger:
    """What started an incident outside Slack: an event source (``aws.cloudwatch``) and the
    resource that fired (an alarm's or a rule's ARN)."""

    source: str
    arn: str | None


CUSTOM_SOURCE = "aws.ssm-incidents.custom"  # StartIncident without triggerDetails (Slack, CLI)


def trigger_of(record: dict[str, Any]) -> Trigger | None:
    """The record's trigger, from ``incidentRecordSource``; None for a hand-started one."""
    origin = record.get("incidentRecordSource") or {}
    source = origin.get("source")
    if not source or source == CUSTOM_SOURCE:
        return None
    return Trigger(str(source), origin.get("resourceArn") or origin.get("invokedBy"))


def chat_channel_of(record: dict[str, Any]) -> str:
    """The record's chat channel (a ``GetIncidentRecord`` answer only): the SNS topics of AWS
    Chatbot it posts to, comma-separated; "" for none."""
    topics = (record.get("chatChannel") or {}).get("chatbotSns") or []
    return ", ".join(sorted(str(topic) for topic in topics))


@dataclass(frozen=True)
class Incident:
    arn: str
    title: str
    status: str
    impact: int
    summary: str
    created: datetime
    resolved: datetime | None
    trigger: Trigger | None = None
    chat_channel: str = ""  # known only from a record read in full

    @property
    def id(self) -> str:
        return self.arn.rsplit("/", 1)[-1]

    @property
    def response_plan(self) -> str:
        """The response plan's name, which AWS puts in the record's ARN."""
        parts = self.arn.split(":", 5)[-1].split("/")
        return parts[1] if len(parts) == 3 else "unknown"

    @property
    def is_open(self) -> bool:
        return self.status == OPEN

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Incident:
        try:
            return cls(
                arn=str(record["arn"]),
                title=str(record["title"]),
                status=str(record["status"]),
                impact=int(record["impact"]),
                summary=str(record.get("summary") or ""),
                created=record["creationTime"],
                resolved=record.get("resolvedTime"),
                trigger=trigger_of(record),
                chat_channel=chat_channel_of(record),
            )
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("unreadable incident record from AWS: %r", exc)
            raise ServiceUnavailable(
                "AWS returned an incident record the bot cannot read; try again."
            ) from None


@dataclass(frozen=True)
class ResponsePlan:
    arn: str
    name: str
    display_name: str


@dataclass(frozen=True)
class RelatedItem:
    type: str
    key: str  # "url" or "arn": which member of ItemValue holds the value
    value: str
    title: str | None = None


@dataclass(frozen=True)
class TimelineEntry:
    time: datetime
    type: str
    text: str
    event_id: str = ""


@dataclass(frozen=True)
class IncidentCard:
    """What the incident's card shows: the record, how many related items it has, its console
    link and who holds which role."""

    incident: Incident
    related_items: int
    console: str
    roles: Mapping[str, str] = field(default_factory=dict)  # role → the Slack user holding it


@dataclass(frozen=True)
class Announcement:
    """A new incident, as ``ANNOUNCE_CHANNEL`` is told it: who declared it, or (one started
    outside Slack) the record, which says what started it and whether it is resolved already."""

    title: str
    impact: int
    channel_id: str | None  # the incident's channel, to join
    declarer: str = ""
    started_outside: Incident | None = None


@dataclass(frozen=True)
class IncidentExport:
    """What a post-incident analysis starts from."""

    incident: Incident
    console: str
    related_items: Sequence[RelatedItem]
    roles: Mapping[str, str]  # role → the holder's name
    timeline: Sequence[TimelineEntry]  # oldest first
    permalinks: Mapping[str, str]  # timeline event id → the Slack message's permalink
