"""The live message in the incident channel that shows an escalation: its stages, who was
paged, who acknowledged, and when the next stage starts."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select

from bot.blocks.paging import status_blocks
from bot.config import Settings
from bot.escalation import rows
from bot.escalation.events import EscalationStarted
from bot.escalation.plan import load_stages
from bot.escalation.timers import next_stage_due
from bot.store.database import Database
from bot.store.schema import Escalation, PageNotice
from bot.vocabulary import EscalationState, PageKind

log = logging.getLogger(__name__)


class StatusMessages:
    """Posted when an escalation starts (its ts kept on the escalation's row), rewritten from
    the rows whenever it changes."""

    def __init__(self, slack: AsyncWebClient, database: Database, settings: Settings) -> None:
        self.slack = slack
        self.database = database
        self.settings = settings

    async def post(self, started: EscalationStarted) -> None:
        """The escalation's message, once its first stage is under way (paging first)."""
        if not started.channel_id:
            return
        try:
            posted = await self.slack.chat_postMessage(
                channel=started.channel_id,
                text=f"Paging {started.alias}",
                blocks=status_blocks(
                    started.alias,
                    started.stages,
                    0,
                    EscalationState.RUNNING,
                    {},
                    {},
                    None,
                    started.escalation_id,
                ),
            )
        except SlackApiError as exc:  # paging matters more than its status message
            log.error(
                "could not post the paging status in %s: %s",
                started.channel_id,
                exc.response.get("error"),
            )
            return
        await rows.set_escalation(self.database, started.escalation_id, status_ts=posted["ts"])
        await self.refresh(started.escalation_id)  # who was paged meanwhile

    async def refresh(self, escalation_id: str) -> None:
        """Re-render the escalation's channel message from its rows."""
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
