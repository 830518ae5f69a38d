"""What happened to incidents, said in Slack: the pinned card shown again, status updates and
their reminders, the resolution's offer, changes made in AWS, and the end of a declaration the
sweep finished. A message Slack refuses is logged here; what the domain did stands. (The
``Names`` the incidents domain writes people by are ``bot.presenters.directory``'s.)"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.aws_changes import changed_in_aws_text, note_in_aws_text
from bot.blocks.card import card_message
from bot.blocks.declared import declared_text
from bot.blocks.routine import (
    reminder_blocks,
    reminder_text,
    resolved_offer_blocks,
    resolved_offer_text,
    status_update_blocks,
    status_update_text,
)
from bot.events import Bus
from bot.incidents.events import (
    CardChanged,
    ChangedInAws,
    DeclarationFinished,
    DeclarationRefused,
    ExportOffered,
    NoteAddedInAws,
    StatusUpdateDue,
    StatusUpdatePosted,
)
from bot.slack.notify import say, tell, warn

log = logging.getLogger(__name__)


class IncidentsPresenter:
    def __init__(self, slack: AsyncWebClient) -> None:
        self.slack = slack

    def subscribe(self, bus: Bus) -> None:
        bus.subscribe(CardChanged, self.card_changed)
        bus.subscribe(StatusUpdatePosted, self.status_update_posted)
        bus.subscribe(StatusUpdateDue, self.status_update_due)
        bus.subscribe(ExportOffered, self.export_offered)
        bus.subscribe(ChangedInAws, self.changed_in_aws)
        bus.subscribe(NoteAddedInAws, self.note_added_in_aws)
        bus.subscribe(DeclarationFinished, self.declaration_finished)
        bus.subscribe(DeclarationRefused, self.declaration_refused)

    async def card_changed(self, event: CardChanged) -> None:
        text, blocks = card_message(event.card)
        try:
            await self.slack.chat_update(
                channel=event.channel_id, ts=event.card_ts, text=text, blocks=blocks
            )
        except SlackApiError as exc:  # the change stands; its card shows it at the next one
            log.warning("could not update the card in %s: %s", event.channel_id, _code(exc))

    async def status_update_posted(self, event: StatusUpdatePosted) -> None:
        incident, author, what = event.incident, event.author, event.what
        text = status_update_text(incident, author, what)
        blocks = status_update_blocks(incident, author, what, event.next_minutes)
        for channel in event.channels:
            await self._post(channel, text, blocks, "post the status update")

    async def status_update_due(self, event: StatusUpdateDue) -> None:
        # an archived channel, the bot removed: nothing to remind
        await self._post(
            event.channel_id,
            reminder_text(event.incident, event.minutes),
            reminder_blocks(event.incident, event.minutes),
            "remind",
        )

    async def export_offered(self, event: ExportOffered) -> None:
        # the resolution stands without its offer
        await self._post(
            event.channel_id,
            resolved_offer_text(event.incident),
            resolved_offer_blocks(event.incident),
            "offer the export",
        )

    async def changed_in_aws(self, event: ChangedInAws) -> None:
        await say(self.slack, event.channel_id, changed_in_aws_text(event.text))

    async def note_added_in_aws(self, event: NoteAddedInAws) -> None:
        await say(self.slack, event.channel_id, note_in_aws_text(event.text))

    async def declaration_finished(self, event: DeclarationFinished) -> None:
        text = declared_text(event.outcome, later=True)
        try:
            await tell(self.slack, event.declarer, event.origin, text)
        except SlackApiError as exc:
            log.warning("could not tell %s their declaration: %s", event.declarer, _code(exc))

    async def declaration_refused(self, event: DeclarationRefused) -> None:
        try:
            await warn(self.slack, event.declarer, event.origin, event.reason)
        except SlackApiError as exc:
            log.warning("could not tell %s their declaration: %s", event.declarer, _code(exc))

    async def _post(self, channel: str, text: str, blocks: list[dict[str, Any]], what: str) -> None:
        try:
            await self.slack.chat_postMessage(channel=channel, text=text, blocks=blocks)
        except SlackApiError as exc:
            log.warning("could not %s in %s: %s", what, channel, _code(exc))


def _code(exc: SlackApiError) -> object:
    return exc.response.get("error")
