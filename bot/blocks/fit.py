"""Slack's limits, and what the bot says fitted into them: whole lines kept, and a last line
that counts the rest and says where to see them (``…and 12 more — `/incident list all```), so
Slack never refuses a message nor cuts it mid-line.

Each limit names the page of Slack's reference that sets it (docs.slack.dev/reference/…).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ContextBlock,
    InputInteractiveElement,
    MarkdownTextObject,
    Option,
    SectionBlock,
    StaticMultiSelectElement,
)

from bot.mrkdwn import ELLIPSIS, closed
from bot.mrkdwn import clip as clip  # cut mrkdwn where its markup is whole: one place, the leaf

MESSAGE_TEXT = 40_000  # methods/chat.postMessage: text past it is truncated (response URLs too)
MESSAGE_BLOCKS = 50  # block-kit/blocks: a message's blocks
VIEW_BLOCKS = 100  # surfaces/modals, surfaces/app-home: a modal's or a Home tab's blocks
SECTION_TEXT = 3_000  # block-kit/blocks/section-block: text
FIELD_TEXT = 2_000  # block-kit/blocks/section-block: each field
HEADER_TEXT = 150  # block-kit/blocks/header-block: text
OPTION_TEXT = 75  # block-kit/composition-objects/option-object: text
OPTION_VALUE = 150  # block-kit/composition-objects/option-object: value
SELECT_OPTIONS = 100  # block-kit/block-elements/select-menu-element: options
CHECKBOX_OPTIONS = 10  # block-kit/block-elements/checkboxes-element: options
INPUT_LENGTH = 3_000  # block-kit/block-elements/plain-text-input-element: max_length
PRIVATE_METADATA = 3_000  # views/view-object (modals): private_metadata


def more_line(left: int, where: str) -> str:
    """``…and 12 more — where`` (``where``: the command or place that shows them)."""
    return f"{ELLIPSIS}and {left} more — {where}"


def fit_lines(lines: Sequence[str], budget: int, where: str, sep: str = "\n") -> list[str]:
    """The whole ``lines`` that fit in ``budget`` characters once joined by ``sep``, then the
    count of the rest (``more_line``) when some do not; a line longer than the budget alone is
    clipped."""
    if len(sep.join(lines)) <= budget:
        return list(lines)
    room = budget - len(more_line(len(lines), where)) - len(sep)
    kept: list[str] = []
    used = -len(sep)  # no separator before the first line
    for line in lines:
        line = clip(line, max(room, 1))
        if used + len(sep) + len(line) > room:
            break
        kept.append(line)
        used += len(sep) + len(line)
    return [*kept, more_line(len(lines) - len(kept), where)]


def fit_text(head: str, lines: Sequence[str], where: str, budget: int = MESSAGE_TEXT) -> str:
    """``head`` and the ``lines`` that fit after it in a message's text."""
    return "\n".join([head, *fit_lines(lines, budget - len(head) - 1, where)])


def wrapped(line: str, size: int) -> list[str]:
    """``line`` in pieces of at most ``size`` characters, broken after a space where there is
    one, never inside an entity or Slack's markup."""
    pieces = []
    while len(line) > size:
        cut = closed(line[:size])
        if " " in cut[len(cut) // 2 :]:
            cut = cut[: cut.rindex(" ") + 1]
        cut = cut or line[:size]  # one piece of markup longer than size: cut it anyway
        pieces.append(cut)
        line = line[len(cut) :]
    return [*pieces, line]


def _packed(lines: Sequence[str], size: int) -> list[list[str]]:
    """The lines in consecutive chunks of at most ``size`` characters each."""
    chunks: list[list[str]] = []
    used = size + 1
    for line in lines:
        if used + 1 + len(line) > size:
            chunks.append([])
            used = -1
        chunks[-1].append(line)
        used += 1 + len(line)
    return chunks


def fit_sections(lines: Sequence[str], where: str, room: int = MESSAGE_BLOCKS) -> list[Block]:
    """The lines as consecutive sections (each within a section's text; a longer line broken
    over several), at most ``room`` of them; the last says how many lines did not fit. Blank
    sections, which Slack refuses, are left out."""
    reserve = len(more_line(len(lines), where)) + 1
    pieces = [piece for line in lines for piece in wrapped(line, SECTION_TEXT - reserve)]
    chunks = _packed(pieces, SECTION_TEXT)
    if len(chunks) > room:
        rest = [line for chunk in chunks[room - 1 :] for line in chunk]
        chunks = [*chunks[: room - 1], fit_lines(rest, SECTION_TEXT, where)]
    texts = ["\n".join(chunk) for chunk in chunks]
    return [SectionBlock(text=MarkdownTextObject(text=text)) for text in texts if text.strip()]


def fit_blocks(items: Sequence[Sequence[Block]], room: int, where: str) -> list[Block]:
    """Each item's blocks, as many items as ``room`` blocks hold; when some do not fit, a
    last context block counts them and says where to see them."""
    if sum(len(item) for item in items) <= room:
        return [block for item in items for block in item]
    kept: list[Block] = []
    shown = 0
    for item in items:
        if len(kept) + len(item) > room - 1:
            break
        kept.extend(item)
        shown += 1
    note = MarkdownTextObject(text=more_line(len(items) - shown, where))
    return [*kept, ContextBlock(elements=[note])]


def choices(
    action_id: str, options: Sequence[Option], ticked: Sequence[Option], placeholder: str
) -> InputInteractiveElement:
    """Options to tick: checkboxes while they hold them, else a multi-select menu (the same
    ``selected_options`` on submission)."""
    if len(options) <= CHECKBOX_OPTIONS:
        return CheckboxesElement(
            action_id=action_id, options=options, initial_options=list(ticked) or None
        )
    return StaticMultiSelectElement(
        action_id=action_id,
        placeholder=placeholder,
        options=options[:SELECT_OPTIONS],
        initial_options=list(ticked) or None,
    )


CLEAR = 100  # characters of a long option value kept in the clear, before its digest


def option_value(value: str) -> str:
    """``value`` as an option's value: itself when Slack takes it, else its first characters
    and a digest of the whole (``chosen`` finds it again among the candidates)."""
    if len(value) <= OPTION_VALUE:
        return value
    return f"{value[:CLEAR]}~{hashlib.sha256(value.encode()).hexdigest()[:40]}"


def chosen(value: str, candidates: Sequence[str]) -> str | None:
    """The candidate an option's value (``option_value``) stands for."""
    return next((c for c in candidates if option_value(c) == value), None)


def in_clear(value: str) -> str:
    """What an option's value says of the value it stands for in the clear (its start, when
    it is a digest): enough to look the candidates up."""
    return value[:CLEAR] if value[CLEAR : CLEAR + 1] == "~" else value
