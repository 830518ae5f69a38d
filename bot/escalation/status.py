"""The live message in the incident channel that shows an escalation, and when its next stage
is due."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select

from bot.blocks.paging import status_blocks
from bot.config import Settings
from bot.escalation.plan import Stage, load_stages
from bot.store.database import Database
from bot.store.schema import Escalation, PageNotice
from bot.vocabulary import EscalationState, PageKind

log = logging.getLogger(__name__)


def next_stage_due(
    escalation: Escalation, stages: Sequence[Stage], time_scale: float
) -> datetime | None:
    """When the stage after the current one starts; None when there is no timed next stage."""
    current = escalation.current_stage
    if not 0 <= current < len(stages):
        return None
    minutes, started = stages[current].minutes, escalation.stage_started_at
    if minutes is None or started is None:
        return None
    started = started if started.tzinfo else started.replace(tzinfo=UTC)  # SQLite: naive UTC
    return started + timedelta(seconds=minutes * time_scale)


class EscalationStatus:
    def __init__(self, database: Database, slack: AsyncWebClient, settings: Settings) -> None:
        self.database = database
        self.slack = slack
        self.settings = settings

    async def refresh(self, escalation_id: str) -> None:
        """Re-render the escalation's channel message from its rows: stages, who was paged,
        who acknowledged, when the next stage starts."""
        async with self.database.session() as session:
            escalation = await session.get(Escalation, escalation_id)
            notices = (
                await session.scalars(
                    select(PageNotice).where(PageNotice.escalation_id == escalation_id)
                )
            ).all()
        if escalation is None or not escalation.channel_id or not escalation.status_ts:
            return
        stages = load_stages(escalation.stages)
        paged, acked = _by_target(notices)
        running = escalation.state == EscalationState.RUNNING
        blocks = status_blocks(
            escalation.contact_alias,
            stages,
            escalation.current_stage,
            escalation.state,
            paged,
            acked,
            next_stage_due(escalation, stages, self.settings.time_scale) if running else None,
            escalation.id,
        )
        try:
            await self.slack.chat_update(
                channel=escalation.channel_id,
                ts=escalation.status_ts,
                text=f"Paging {escalation.contact_alias}",
                blocks=blocks,
            )
        except SlackApiError as exc:
            log.warning("could not update escalation status: %s", exc.response.get("error"))


def _by_target(notices: Sequence[PageNotice]) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Who was paged and who acknowledged, per stage target; the people an escalation plan
    target paged count under that target."""
    owners = {n.engagement_arn: n.contact_arn for n in notices if n.kind == PageKind.STAGE}
    paged: dict[str, list[str]] = {}
    acked: dict[str, str] = {}
    for notice in notices:
        target = owners.get(notice.engagement_arn, notice.contact_arn)
        if notice.slack_user_id:
            paged.setdefault(target, []).append(notice.slack_user_id)
        if notice.acknowledged_by:
            acked.setdefault(target, notice.acknowledged_by)
    return paged, acked
