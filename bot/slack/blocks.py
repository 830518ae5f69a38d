"""Block Kit rendering shared by every surface: pure functions from domain values to blocks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

SECTION_TEXT_LIMIT = 3000
# a plain_text_input holds at most 3000 characters (its max_length: 1 to 3000, Slack's
# https://docs.slack.dev/reference/block-kit/block-elements/plain-text-input-element)
INPUT_LIMIT = 3000


def as_dicts(blocks: Iterable[Block]) -> list[dict]:
    return [block.to_dict() for block in blocks]


def escape(text: str) -> str:
    """What a person wrote, made to show as itself in mrkdwn: the ``<!channel>``, ``<@U…>`` or
    ``<url|label>`` it spells stays text, never a mention or a link (Slack's own escaping)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int, marker: str = "…") -> str:
    """``text`` cut to ``limit`` characters, the cut shown with ``marker``."""
    return text if len(text) <= limit else text[: limit - len(marker)] + marker


def help_blocks(entries: Sequence[tuple[str, str]]) -> list[dict]:
    """The ``/incident help`` answer: one line per ``(usage, what it does)``."""
    lines = [f"`/incident {usage}` — {summary}" for usage, summary in entries]
    sections: list[Block] = []
    chunk: list[str] = []
    for line in lines:
        if sum(len(item) + 1 for item in chunk) + len(line) > SECTION_TEXT_LIMIT:
            sections.append(SectionBlock(text=MarkdownTextObject(text="\n".join(chunk))))
            chunk = []
        chunk.append(line)
    if chunk:
        sections.append(SectionBlock(text=MarkdownTextObject(text="\n".join(chunk))))
    header = SectionBlock(text=MarkdownTextObject(text="*incident-bot commands*"))
    footer = ContextBlock(
        elements=[
            MarkdownTextObject(
                text="Inside an incident channel, commands act on that channel's incident."
            )
        ]
    )
    return as_dicts([header, *sections, footer])


def error_text(message: str) -> str:
    return f":warning: {message}"
