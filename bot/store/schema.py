"""Tables of the bot's state. Every change here comes with an Alembic revision."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


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
