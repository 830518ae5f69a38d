"""Opening a modal whose content needs AWS, within the 3 seconds a trigger_id lives."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import DomainError
from bot.slack.blocks import error_text
from bot.slack.modals import LOADING, message_modal

log = logging.getLogger(__name__)


async def open_modal(
    slack: AsyncWebClient, trigger_id: str, title: str, build: Callable[[], Awaitable[dict]]
) -> None:
    """Open a loading modal at once, then replace it with what ``build`` makes, however long
    AWS takes; a domain error ``build`` raises is shown in the modal instead."""
    opened = (await slack.views_open(trigger_id=trigger_id, view=message_modal(title, LOADING)))[
        "view"
    ]
    try:
        view = await build()
    except DomainError as error:
        view = message_modal(title, error_text(error.message))
    try:
        await slack.views_update(view_id=opened["id"], hash=opened["hash"], view=view)
    except SlackApiError as exc:  # closed while loading: nobody is waiting for it
        log.info("modal %s was not filled: %s", opened["id"], exc.response.get("error"))
