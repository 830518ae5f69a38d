"""``/incident export``: the incident, for its post-incident analysis, in its channel — a Slack
canvas where the workspace has canvases, else a Markdown file."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from bot.blocks.export_markdown import IncidentExport, export_markdown, export_title
from bot.blocks.routine import resolved_offer_blocks
from bot.errors import Conflict, InvalidInput
from bot.incidents.service import IncidentService
from bot.mrkdwn import escape
from bot.slack.messages import display_name
from bot.store.database import changed
from bot.store.schema import ExportClaim, TimelineMessage

log = logging.getLogger(__name__)

# What canvases.create answers where canvases cannot be made (a free team, an admin's policy).
NO_CANVASES = frozenset(
    {
        "not_allowed",
        "not_allowed_token_type",
        "canvas_disabled",
        "free_teams_cannot_create_non_tabbed_canvases",
        "team_tier_cannot_create_canvases",
        "feature_not_enabled",
        "unknown_method",
    }
)
# What canvases.create answers where it refuses for now or by policy: said, then a file instead.
REFUSED_NOW = {
    "restricted_action": "this workspace's settings do not let the bot create canvases",
    "ratelimited": "Slack is rate-limiting canvas creation right now",
}
STALE_SECONDS = 300.0  # an export not finished by then crashed: another may be made


def _error(exc: SlackApiError) -> str:
    return str(exc.response.get("error") or "an error")


class Exports:
    def __init__(self, incidents: IncidentService, slack: AsyncWebClient) -> None:
        self.incidents = incidents
        self.slack = slack

    async def gather(self, arn: str) -> IncidentExport:
        incidents = self.incidents
        incident = await incidents.get(arn)
        roles = {
            role: f"{await display_name(self.slack, user)} ({user})"
            for role, user in (await incidents.roles.held(arn)).items()
        }
        return IncidentExport(
            incident=incident,
            console=incidents.console(arn),
            related_items=await incidents.aws.related_items(arn),
            roles=roles,
            timeline=await incidents.aws.whole_timeline(arn),
            permalinks=await self._permalinks(arn),
        )

    async def _permalinks(self, arn: str) -> dict[str, str]:
        """Timeline event id → permalink of the Slack message it records."""
        async with self.incidents.database.session() as session:
            rows = (
                await session.scalars(
                    select(TimelineMessage).where(
                        TimelineMessage.incident_arn == arn, TimelineMessage.event_id.is_not(None)
                    )
                )
            ).all()
        links: dict[str, str] = {}
        for row in rows:
            try:
                answer = await self.slack.chat_getPermalink(
                    channel=row.channel_id, message_ts=row.message_ts
                )
            except SlackApiError as exc:  # a message deleted since: its event says what it was
                log.info("no permalink for %s/%s: %s", row.channel_id, row.message_ts, exc)
                continue
            links[str(row.event_id)] = answer["permalink"]
        return links

    async def export(self, arn: str) -> str:
        """Put the export in the incident's channel; says where (a canvas or a file)."""
        channel = await self.incidents.channel_of(arn)
        if not channel:
            raise InvalidInput(
                "This incident has no channel to export into: run `/incident export` in its "
                "channel once it has one."
            )
        async with self._exporting(arn):
            return await self._export(arn, channel)

    @asynccontextmanager
    async def _exporting(self, arn: str) -> AsyncIterator[None]:
        """One export of an incident at a time, across presses and replicas; Conflict while
        another is being made. Once it is done, the incident may be exported again."""
        claimed_at = time.time()
        if not await self._claim(arn, claimed_at):
            raise Conflict(
                "An export of this incident is being made; it will appear in the channel."
            )
        try:
            yield
        finally:
            async with self.incidents.database.write() as session:
                await session.execute(
                    delete(ExportClaim).where(
                        ExportClaim.incident_arn == arn, ExportClaim.claimed_at == claimed_at
                    )
                )

    async def _claim(self, arn: str, claimed_at: float) -> bool:
        database = self.incidents.database
        try:
            async with database.write() as session:
                session.add(ExportClaim(incident_arn=arn, claimed_at=claimed_at))
            return True
        except IntegrityError:
            pass
        async with database.write() as session:  # take over a claim its holder left behind
            stale = update(ExportClaim).where(
                ExportClaim.incident_arn == arn,
                ExportClaim.claimed_at < claimed_at - STALE_SECONDS,
            )
            return await changed(session, stale.values(claimed_at=claimed_at)) == 1

    async def _export(self, arn: str, channel: str) -> str:
        """Where the export is: a canvas, else (canvases refused: for good, by policy or for
        now) a Markdown file, saying why. Each refusal by Slack is told as such, with what
        exists."""
        export = await self.gather(arn)
        markdown, title = export_markdown(export), export_title(export.incident)
        try:
            created = await self.slack.canvases_create(
                title=title, document_content={"type": "markdown", "markdown": markdown}
            )
        except SlackApiError as exc:
            error = _error(exc)
            if error not in NO_CANVASES and error not in REFUSED_NOW:
                raise InvalidInput(
                    f"Slack refused to create the canvas ({error}): nothing was exported. "
                    "Try again, or ask a Slack admin."
                ) from None
            log.info("no canvas (%s): exporting as a file", error)
            why = f" (Slack refused a canvas: {REFUSED_NOW[error]})" if error in REFUSED_NOW else ""
            return await self._file(channel, title, markdown, export.incident.id) + why
        return await self._shared(channel, title, created["canvas_id"])

    async def _file(self, channel: str, title: str, markdown: str, incident_id: str) -> str:
        try:
            await self.slack.files_upload_v2(
                channel=channel,
                content=markdown,
                filename=f"incident-{incident_id[:8]}.md",
                title=title,
                initial_comment="Post-incident export: the record, related items, roles and the "
                "whole timeline.",
            )
        except SlackApiError as exc:
            raise InvalidInput(
                f"Slack refused a canvas, and the Markdown file too ({_error(exc)}): nothing was "
                "exported. Try again in a minute."
            ) from None
        return "a Markdown file in this channel"

    async def _shared(self, channel: str, title: str, canvas: str) -> str:
        """The canvas made, shared read-only with the channel and linked there."""
        try:
            await self.slack.canvases_access_set(
                canvas_id=canvas, access_level="read", channel_ids=[channel]
            )
        except SlackApiError as exc:
            raise InvalidInput(
                f"A canvas was made (`{canvas}`), but Slack refused to share it with the channel "
                f"({_error(exc)}): nobody else can open it yet. Export again to make another."
            ) from None
        try:
            where = await self.slack.auth_test()
            shown = f"<{where['url']}docs/{where['team_id']}/{canvas}|{escape(title)}>"
            await self.slack.chat_postMessage(
                channel=channel, text=f":page_facing_up: Post-incident export: {shown}"
            )
        except SlackApiError as exc:
            return (
                f"a canvas shared with this channel (`{canvas}`: it is in the channel's canvases), "
                f"though Slack refused the message linking it ({_error(exc)})"
            )
        return f"a canvas shared in this channel: {shown}"

    async def archive_channel(self, arn: str) -> tuple[str, bool]:
        """Archive the channel of an incident resolved now (an offer made before it was
        reopened, in Slack or in AWS, is stale): its id, and whether it was archived now
        (False: it was already). InvalidInput, saying what to do, when it has none, is open
        again, or Slack refuses."""
        channel = await self.incidents.channel_of(arn)
        if not channel:
            raise InvalidInput("This incident has no channel to archive.")
        incident = await self.incidents.get(arn)
        if incident.is_open:
            raise Conflict(
                f"*{escape(incident.title)}* was reopened since this offer: it is open, so its "
                "channel stays. Once it is resolved again, archive it from the new offer."
            )
        try:
            await self.slack.conversations_archive(channel=channel)
        except SlackApiError as exc:
            error = exc.response.get("error")
            if error == "already_archived":
                return channel, False
            raise InvalidInput(
                f"Slack refused to archive the channel ({error}): archive it from the "
                "channel's settings."
            ) from None
        return channel, True

    async def offer(self, arn: str) -> None:
        """Offered in the channel of an incident just resolved (in Slack, after the resolution
        is said; in AWS, by the sync): the export, and archiving the channel."""
        channel = await self.incidents.channel_of(arn)
        if not channel:
            return
        incident = await self.incidents.get(arn)
        try:
            await self.slack.chat_postMessage(
                channel=channel,
                text=f"{escape(incident.title)} is resolved: export it, then archive the channel.",
                blocks=resolved_offer_blocks(incident),
            )
        except SlackApiError as exc:  # the resolution stands without its offer
            log.warning("could not offer the export in %s: %s", channel, exc.response.get("error"))
