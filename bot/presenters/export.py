"""The post-incident export in Slack (``Documents``): a canvas shared read-only with the incident's
channel and linked there, else, where the workspace refuses canvases, a Markdown file; each
refusal by Slack told as such, with what exists."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.export_markdown import export_markdown, export_title
from bot.errors import InvalidInput
from bot.incidents.record import IncidentExport
from bot.mrkdwn import escape

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


def _error(exc: SlackApiError) -> str:
    return str(exc.response.get("error") or "an error")


class SlackDocuments:
    """``bot.incidents.ports.Documents`` on Slack."""

    def __init__(self, slack: AsyncWebClient) -> None:
        self.slack = slack

    async def permalink(self, channel_id: str, ts: str) -> str | None:
        try:
            answer = await self.slack.chat_getPermalink(channel=channel_id, message_ts=ts)
        except SlackApiError as exc:  # a message deleted since
            log.info("no permalink for %s/%s: %s", channel_id, ts, exc)
            return None
        return str(answer["permalink"])

    async def put(self, channel_id: str, export: IncidentExport) -> str:
        """Where the export is: a canvas, else (canvases refused: for good, by policy or for
        now) a Markdown file, saying why."""
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
            return await self._file(channel_id, title, markdown, export.incident.id) + why
        return await self._shared(channel_id, title, created["canvas_id"])

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
