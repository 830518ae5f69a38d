"""Paging said in Slack: each event of ``bot.escalation.events`` becomes the incident
channel's notes, the escalation's live message (``StatusMessages``) and the pages' direct
messages rewritten once answered or moot."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.paging import acknowledged_blocks, closed_blocks
from bot.escalation.events import (
    EscalationClosed,
    EscalationExhausted,
    EscalationStarted,
    PageAcknowledged,
    PageMirrored,
    PageRefused,
    PageReminded,
    PagesWithdrawn,
    PageUnlinked,
    PlanTargetPaged,
    StageStarted,
    TargetNotPaged,
)
from bot.escalation.notices import delivered
from bot.events import Bus
from bot.mrkdwn import escape
from bot.presenters.paging_status import StatusMessages
from bot.slack.notify import say
from bot.store.schema import PageNotice

log = logging.getLogger(__name__)


class PagingPresenter:
    def __init__(self, slack: AsyncWebClient, status: StatusMessages) -> None:
        self.slack = slack
        self.status = status

    def subscribe(self, bus: Bus) -> None:
        bus.subscribe(EscalationStarted, self.status.post)
        bus.subscribe(StageStarted, self.stage_started)
        bus.subscribe(EscalationExhausted, self.exhausted)
        bus.subscribe(TargetNotPaged, self.not_paged)
        bus.subscribe(PlanTargetPaged, self.plan_paged)
        bus.subscribe(PageUnlinked, self.unlinked)
        bus.subscribe(PageRefused, self.refused)
        bus.subscribe(PageMirrored, self.mirrored)
        bus.subscribe(EscalationClosed, self.closed)
        bus.subscribe(PagesWithdrawn, self.withdrawn)
        bus.subscribe(PageAcknowledged, self.acknowledged)
        bus.subscribe(PageReminded, self.reminded)

    async def stage_started(self, event: StageStarted) -> None:
        await self.status.refresh(event.escalation_id)

    async def exhausted(self, event: EscalationExhausted) -> None:
        await say(
            self.slack,
            event.channel_id,
            f":rotating_light: Every stage of `{event.alias}` "
            "ran and no essential contact acknowledged. Use *Page again* on the "
            "escalation message, or page someone else.",
        )
        await self.status.refresh(event.escalation_id)

    async def not_paged(self, event: TargetNotPaged) -> None:
        await say(
            self.slack,
            event.channel_id,
            f":warning: Could not page `{event.alias}`: {event.reason}",
        )

    async def plan_paged(self, event: PlanTargetPaged) -> None:
        await say(
            self.slack,
            event.channel_id,
            f":information_source: `{event.alias}` is an escalation plan: AWS runs its stages, "
            "and each person it pages gets an Acknowledge button in Slack as their page "
            "goes out.",
        )

    async def unlinked(self, event: PageUnlinked) -> None:
        await say(
            self.slack,
            event.channel_id,
            f":warning: `{event.alias}` was paged through AWS but is not linked to a Slack "
            f"user, so no Acknowledge button reached them. They can run "
            f"`/incident link-me {event.alias}`.",
        )

    async def refused(self, event: PageRefused) -> None:
        alias = event.alias
        await say(
            self.slack,
            event.channel_id,
            f":warning: `{alias}` was paged through AWS, but Slack refused the direct "
            f"message to <@{event.user_id}> ({event.code}), so no Acknowledge button reached "
            f"them. Check who `{alias}` is linked to with `/incident whois {alias}`.",
        )

    async def mirrored(self, event: PageMirrored) -> None:
        await self.status.refresh(event.escalation_id)

    async def closed(self, event: EscalationClosed) -> None:
        await self.withdrawn(event.withdrawn)
        await self.status.refresh(event.escalation_id)

    async def withdrawn(self, event: PagesWithdrawn) -> None:
        """Each page's DM says why nobody need answer it now."""
        blocks = closed_blocks(event.incident, event.why)
        for notice in event.notices:
            await self._rewrite(notice, event.why, blocks)

    async def acknowledged(self, event: PageAcknowledged) -> None:
        """The pressed page's DM says who acknowledged, the escalation's other pages say why
        they are moot, and its live message shows it."""
        blocks = acknowledged_blocks(event.incident, event.by, event.at)
        await self._rewrite(event.notice, f"Acknowledged by {event.by}", blocks)
        if event.withdrawn is not None:
            await self.withdrawn(event.withdrawn)
        if event.notice.escalation_id:
            await self.status.refresh(event.notice.escalation_id)

    async def reminded(self, event: PageReminded) -> None:
        """The reminder in the page's thread."""
        notice = event.notice
        if not notice.dm_channel:
            return
        try:
            await self.slack.chat_postMessage(
                channel=notice.dm_channel,
                thread_ts=notice.dm_ts,
                text=f":alarm_clock: Reminder {event.reminder}: *{escape(event.incident.title)}* "
                "still waits for your acknowledgement. Press Acknowledge above.",
            )
        except SlackApiError as exc:
            log.error(
                "could not remind %s of its page: %s", notice.dm_channel, exc.response.get("error")
            )

    async def _rewrite(self, notice: PageNotice, text: str, blocks: list[dict[str, Any]]) -> None:
        """Rewrite a delivered page's DM (acknowledged, closed); others have none to update."""
        if not notice.dm_channel or not notice.dm_ts or not delivered(notice):
            return
        try:
            await self.slack.chat_update(
                channel=notice.dm_channel, ts=notice.dm_ts, text=text, blocks=blocks
            )
        except SlackApiError as exc:
            log.warning(
                "could not update page message %s: %s", notice.dm_ts, exc.response.get("error")
            )
