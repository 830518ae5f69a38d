"""Block Kit rendering shared by every surface: pure functions from domain values to blocks."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ContextBlock,
    InteractiveElement,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.fit import MESSAGE_BLOCKS, fit_sections


def as_dicts(blocks: Iterable[Block]) -> list[dict[str, Any]]:
    return [block.to_dict() for block in blocks]


def with_actions(
    text: str, *elements: InteractiveElement, block_id: str | None = None
) -> list[dict[str, Any]]:
    """A message of one mrkdwn section with its buttons (or menu) beneath."""
    actions = ActionsBlock(block_id=block_id, elements=list(elements))
    return as_dicts([SectionBlock(text=MarkdownTextObject(text=text)), actions])


def modal_form(
    callback_id: str,
    title: str,
    submit: str,
    blocks: Sequence[Block],
    metadata: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A modal form: its inputs, **``submit``** and **Cancel**, ``metadata`` kept as JSON."""
    return View(
        type="modal",
        callback_id=callback_id,
        title=title,
        submit=submit,
        close="Cancel",
        private_metadata=None if metadata is None else json.dumps(metadata),
        blocks=blocks,
    ).to_dict()


def help_blocks(entries: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    """The ``/incident help`` answer: one line per ``(usage, what it does)``."""
    lines = [f"`/incident {usage}` — {summary}" for usage, summary in entries]
    header = SectionBlock(text=MarkdownTextObject(text="*incident-bot commands*"))
    footer = ContextBlock(
        elements=[
            MarkdownTextObject(
                text="Inside an incident channel, commands act on that channel's incident."
            )
        ]
    )
    sections = fit_sections(lines, "the README lists every command", MESSAGE_BLOCKS - 2)
    return as_dicts([header, *sections, footer])


def error_text(message: str) -> str:
    return f":warning: {message}"
