"""Paging's port answered in Slack: the pages' direct messages."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.paging import page_blocks, page_metadata, page_text
from bot.errors import SlackRefused
from bot.escalation.ports import PageToSend, PostedPage
from bot.slack.messages import sent_page
from bot.slack.refusals import refused


def refusal(exc: SlackApiError, message: str) -> SlackRefused:
    """``exc`` as the domain's refusal, said as ``message`` (which may name Slack's ``{code}``)."""
    general = refused(exc)
    return SlackRefused(general.code, general.for_good, message.format(code=general.code))


class SlackPageMessages:
    """``PageMessages``: a page DMed with its buttons and its message metadata (the notice),
    by which a page sent just before a crash is found again."""

    def __init__(self, slack: AsyncWebClient) -> None:
        self.slack = slack

    async def find(self, user_id: str, notice_id: str) -> PostedPage | None:
        found = await sent_page(self.slack, user_id, notice_id)
        return PostedPage(found["channel"], found["ts"]) if found else None

    async def send(self, user_id: str, page: PageToSend) -> PostedPage:
        try:
            answer = await self.slack.chat_postMessage(
                channel=user_id,
                text=page_text(page.incident, page.stage, page.stages),
                blocks=page_blocks(
                    page.incident,
                    page.paged_by,
                    page.stage,
                    page.stages,
                    page.notice_id,
                    page.escalation_id,
                ),
                metadata=page_metadata(page.notice_id),
            )
        except SlackApiError as exc:
            raise refusal(
                exc, f"Slack refused the direct message to <@{user_id}> ({{code}})."
            ) from exc
        return PostedPage(answer["channel"], answer["ts"])
