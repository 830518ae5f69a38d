"""Tables of the bot's state. Every change here comes with an Alembic revision."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, Index, Integer, String, Text, func, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.vocabulary import Delivery, EscalationState, StepState


class Base(DeclarativeBase):
    pass


class IncidentChannel(Base):
    """The Slack channel of an incident and its pinned card."""

    __tablename__ = "incident_channels"

    incident_arn: Mapped[str] = mapped_column(String(300), primary_key=True)
    channel_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    card_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class TimelineMessage(Base):
    """A Slack message turned into a timeline event, so edits and deletes follow it."""

    __tablename__ = "timeline_messages"

    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    message_ts: Mapped[str] = mapped_column(String(32), primary_key=True)
    incident_arn: Mapped[str] = mapped_column(String(300))
    event_id: Mapped[str | None] = mapped_column(String(64))
    # what an edit or delete wanted while the event was still being created (no event_id yet)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    pending_data: Mapped[str | None] = mapped_column(Text)
    # what the event is created with, and when: the sweep finishes a claim its creator left
    event_data: Mapped[str | None] = mapped_column(Text)
    claimed_at: Mapped[float | None] = mapped_column(Float)


class ContactLink(Base):
    """Which Slack user answers for an Incident Manager contact, and how we learned it."""

    __tablename__ = "contact_links"

    contact_arn: Mapped[str] = mapped_column(String(300), primary_key=True)
    slack_user_id: Mapped[str] = mapped_column(String(32), index=True)
    source: Mapped[str] = mapped_column(String(16))  # mapping | email | self | admin


class LinkCode(Base):
    """A one-time code sent through AWS to a contact, proving a ``link-me`` (stored hashed)."""

    __tablename__ = "link_codes"

    contact_arn: Mapped[str] = mapped_column(String(300), primary_key=True)
    slack_user_id: Mapped[str] = mapped_column(String(32))
    code_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[float] = mapped_column(Float)
    wrong_tries: Mapped[int] = mapped_column(Integer, default=0)


class Escalation(Base):
    """A running page of an escalation plan or a person, with the plan as it was at start."""

    __tablename__ = "escalations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    incident_arn: Mapped[str] = mapped_column(String(300), index=True)
    contact_arn: Mapped[str] = mapped_column(String(300))
    contact_alias: Mapped[str] = mapped_column(String(255))
    requested_by: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str | None] = mapped_column(String(32))
    stages: Mapped[str] = mapped_column(Text)  # JSON snapshot of the plan's stages
    current_stage: Mapped[int] = mapped_column(Integer, default=-1)
    state: Mapped[str] = mapped_column(String(16), default=EscalationState.RUNNING, index=True)
    stage_started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status_ts: Mapped[str | None] = mapped_column(String(32))
    acknowledged_by: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (  # one running escalation per (incident, target), whoever asks twice
        Index(
            "uq_escalations_running",
            "incident_arn",
            "contact_arn",
            unique=True,
            sqlite_where=text("state = 'running'"),
            postgresql_where=text("state = 'running'"),
        ),
    )


class PageNotice(Base):
    """One Slack message with an Acknowledge button, for one engagement (ours) or page (AWS's)."""

    __tablename__ = "page_notices"

    id: Mapped[str] = mapped_column(String(300), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # a PageKind
    escalation_id: Mapped[str | None] = mapped_column(String(36), index=True)
    stage: Mapped[int | None] = mapped_column(Integer)
    incident_arn: Mapped[str] = mapped_column(String(300))
    contact_arn: Mapped[str] = mapped_column(String(300))
    engagement_arn: Mapped[str | None] = mapped_column(String(300), index=True)
    page_arn: Mapped[str | None] = mapped_column(String(300))
    essential: Mapped[bool] = mapped_column(Boolean, default=True)
    slack_user_id: Mapped[str | None] = mapped_column(String(32))
    dm_channel: Mapped[str | None] = mapped_column(String(32))
    dm_ts: Mapped[str | None] = mapped_column(String(32))  # the DM's ts, once SENT
    delivery: Mapped[str] = mapped_column(String(16), default=Delivery.SENDING)  # a Delivery
    claimed_at: Mapped[float | None] = mapped_column(Float)  # when SENDING began (epoch s)
    acknowledged_by: Mapped[str | None] = mapped_column(String(32))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    retry_minutes: Mapped[int | None] = mapped_column(Integer)
    reminders: Mapped[int] = mapped_column(Integer, default=0)


class DeclarationRow(Base):
    """A submitted declare form, kept until every one of its steps is done or failed."""

    __tablename__ = "declarations"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)  # the form's client token
    incident_arn: Mapped[str | None] = mapped_column(String(300))  # once StartIncident answered
    declarer: Mapped[str] = mapped_column(String(32))
    origin_channel: Mapped[str | None] = mapped_column(String(32))
    form: Mapped[str] = mapped_column(Text)  # JSON of the Declaration
    settled: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    claimed_until: Mapped[float | None] = mapped_column(Float)  # a worker's lease (epoch s)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class DeclarationStepRow(Base):
    """One step of a declaration (start, summary, channel, …): its state, last error, attempts."""

    __tablename__ = "declaration_steps"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    step: Mapped[str] = mapped_column(String(16), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), default=StepState.PENDING)  # a StepState
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class SlackRequest(Base):
    """A request Slack delivered (by event id or trigger id), so a redelivery does nothing."""

    __tablename__ = "slack_requests"

    id: Mapped[str] = mapped_column(String(300), primary_key=True)
    received_at: Mapped[float] = mapped_column(Float, index=True)  # epoch seconds


class Handoff(Base):
    """A shift about to start for one person: its hand-off notice, due at ``due_at``, sent once
    (claimed pending → sending → sent; a claim whose worker died is stale after a while)."""

    __tablename__ = "handoffs"

    rotation_id: Mapped[str] = mapped_column(String(300), primary_key=True)
    shift_start: Mapped[float] = mapped_column(Float, primary_key=True)  # epoch seconds
    contact_arn: Mapped[str] = mapped_column(String(300), primary_key=True)
    schedule_arn: Mapped[str] = mapped_column(String(300))
    shift_end: Mapped[float] = mapped_column(Float)
    due_at: Mapped[float] = mapped_column(Float)
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    claimed_at: Mapped[float | None] = mapped_column(Float)


class CoverRequest(Base):
    """A **Cover for me** posted in the on-call channel for one person's shift on one rotation:
    claimed while it is posted (posting → open), taken by the first who presses (taken), or
    expired once the shift is over."""

    __tablename__ = "cover_requests"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # from its hand-off
    schedule_arn: Mapped[str] = mapped_column(String(300))
    rotation_id: Mapped[str] = mapped_column(String(300))
    contact_arn: Mapped[str] = mapped_column(String(300))  # the requester's, on call then
    requester: Mapped[str] = mapped_column(String(32))  # Slack user
    shift_start: Mapped[float] = mapped_column(Float)
    shift_end: Mapped[float] = mapped_column(Float)
    state: Mapped[str] = mapped_column(String(16), default="posting", index=True)
    claimed_at: Mapped[float | None] = mapped_column(Float)  # while posting
    channel_id: Mapped[str | None] = mapped_column(String(32))
    ts: Mapped[str | None] = mapped_column(String(32))
    taken_by: Mapped[str | None] = mapped_column(String(32))


class StatusChange(Base):
    """An incident being resolved or reopened right now: one change at a time per incident."""

    __tablename__ = "status_changes"

    incident_arn: Mapped[str] = mapped_column(String(300), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    by: Mapped[str] = mapped_column(String(32))
    claimed_at: Mapped[float] = mapped_column(Float)  # epoch seconds; stale after a crash


class SeenIncident(Base):
    """An incident as the sync last saw it (or as the bot itself last wrote it), to diff the
    next round against."""

    __tablename__ = "seen_incidents"

    incident_arn: Mapped[str] = mapped_column(String(300), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    impact: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    seen_at: Mapped[float] = mapped_column(Float)  # epoch seconds of the read or write
    # what only a read in full shows (None: not known yet): the summary, the chat channel, the
    # related items (JSON: identity → label), and when the incident was last read in full
    summary: Mapped[str | None] = mapped_column(Text)
    chat_channel: Mapped[str | None] = mapped_column(Text)
    related_items: Mapped[str | None] = mapped_column(Text)
    read_at: Mapped[float | None] = mapped_column(Float)


class SyncMark(Base):
    """How far the sync has looked: the start of its last round (epoch seconds)."""

    __tablename__ = "sync_marks"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    at: Mapped[float] = mapped_column(Float)


class KnownTimelineEvent(Base):
    """A timeline event the bot wrote itself, or one it has shown in the incident's channel:
    either way, never shown (again)."""

    __tablename__ = "known_timeline_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)


class IncidentRole(Base):
    """Who holds a role (commander, communications, …) in an incident."""

    __tablename__ = "incident_roles"

    incident_arn: Mapped[str] = mapped_column(String(300), primary_key=True)
    role: Mapped[str] = mapped_column(String(64), primary_key=True)
    slack_user_id: Mapped[str] = mapped_column(String(32))
    assigned_by: Mapped[str] = mapped_column(String(32))


class UpdateReminder(Base):
    """When an incident's channel is next reminded to post a status update (None: never)."""

    __tablename__ = "update_reminders"

    incident_arn: Mapped[str] = mapped_column(String(300), primary_key=True)
    due_at: Mapped[float | None] = mapped_column(Float, index=True)  # epoch seconds


class ExportClaim(Base):
    """An export of an incident being made right now: one at a time per incident."""

    __tablename__ = "export_claims"

    incident_arn: Mapped[str] = mapped_column(String(300), primary_key=True)
    claimed_at: Mapped[float] = mapped_column(Float)  # epoch seconds; stale after a crash


class FormClaim(Base):
    """A form (a Slack modal) as the bot rendered it: the one key its private_metadata carries
    stands for this row, so what a submission claims is checked against what was offered."""

    __tablename__ = "form_claims"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    view_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))  # whom it was opened for
    callback_id: Mapped[str] = mapped_column(String(64))
    data: Mapped[str] = mapped_column(Text)  # what the form was rendered with (JSON)
    inputs: Mapped[str] = mapped_column(Text)  # its inputs and the choices each offered (JSON)
    kept_at: Mapped[float] = mapped_column(Float, index=True)  # epoch seconds


class ActivationTry(Base):
    """Wrong activation codes typed for a contact channel: five, then it is locked a while."""

    __tablename__ = "activation_tries"

    channel_arn: Mapped[str] = mapped_column(String(300), primary_key=True)
    wrong_tries: Mapped[int] = mapped_column(Integer, default=0)
    until: Mapped[float] = mapped_column(Float)  # epoch seconds: the count is forgotten then
