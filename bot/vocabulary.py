"""The words of paging, by name: contact types, escalation states, page kinds, deliveries,
claims and acknowledgements. The values are what the database and AWS store."""

from __future__ import annotations

import enum


class ContactType(enum.StrEnum):
    """An Incident Manager contact's ``Type``."""

    PERSONAL = "PERSONAL"
    ESCALATION = "ESCALATION"
    ONCALL_SCHEDULE = "ONCALL_SCHEDULE"


class EscalationState(enum.StrEnum):
    RUNNING = "running"  # its stages go on
    ACKNOWLEDGED = "acknowledged"  # an essential contact answered
    EXHAUSTED = "exhausted"  # every stage ran unanswered
    STOPPED = "stopped"  # by a person, or the incident resolved


class PageKind(enum.StrEnum):
    """Whose page a notice is: a stage target the runner engaged, or a page AWS sent itself."""

    STAGE = "escalation"
    MIRRORED = "mirror"


class Delivery(enum.StrEnum):
    """Where a page's Slack side stands (``PageNotice.delivery``)."""

    SENDING = "sending"  # a worker claimed it and is sending the DM; stale after a crash
    SENT = "sent"  # the DM with its Acknowledge button is out (``dm_ts``)
    NOBODY = "nobody"  # no linked Slack user, or Slack refused the DM: said in the channel
    PLAN = "plan"  # an escalation plan target: AWS runs its stages, the mirror DMs its people


class Claim(enum.Enum):
    """How a worker came to hold a page: first, or after its first worker died."""

    NEW = "new"
    RETAKEN = "retaken"


class Acknowledgement(enum.Enum):
    """What pressing Acknowledge did."""

    ACCEPTED = "accepted"
    ALREADY = "already"  # someone acknowledged this page before


class StepState(enum.StrEnum):
    """Where one step of a declaration stands (``DeclarationStepRow.state``)."""

    PENDING = "pending"  # not done yet: whoever runs the declaration next tries it
    DONE = "done"
    FAILED = "failed"  # refused for good (a missing permission or scope), or out of attempts
    SKIPPED = "skipped"  # it needed a step that failed (the card needs the channel)
