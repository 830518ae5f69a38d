"""What a Slack message says, as readable plain text: from its blocks, attachments and files.

Slack markup (``<@U123>``, ``<https://x|label>``, ``&lt;``) is turned into readable text here,
once, so what reaches Incident Manager reads well there. Rendering back into Slack escapes
again (bot/slack/* rendering), so the text kept here is plain data.
"""

from __future__ import annotations

import html
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

PLACEHOLDER = "This content can't be displayed."
TEXT_BLOCKS = ("section", "header", "context")
MARKUP = re.compile(r"<([^<>]*)>")
BARE_URL = re.compile(r"https?://[^\s<>()]+[^\s<>().,;:!?'\"]")

Names = Callable[[str], Awaitable[str]]
"""Looks up the name of a user (``U…``/``W…``), channel (``C…``) or user group (``S…``)."""


@dataclass(frozen=True)
class MessageContent:
    """A message's words as readable plain text, a one-line headline, and every link in it."""

    text: str
    headline: str
    links: tuple[str, ...]


async def read_content(message: dict[str, Any], names: Names) -> MessageContent:
    """The content of a message as Slack shows it: rich text, else other blocks, else ``text``;
    then its attachments and files."""
    reader = _Reader(names)
    blocks = message.get("blocks") or []
    rich = [b for b in blocks if b.get("type") == "rich_text"]
    if rich:
        body = "\n".join([await reader.rich_text(b) for b in rich])
    else:
        body = await reader.blocks(blocks) or await reader.markup(_text(message))
    parts = [body]
    for attachment in message.get("attachments") or []:
        if not _unfurl(attachment):
            parts.append(await reader.attachment(attachment))
    files = message.get("files") or []
    text = "\n".join(p for p in [*parts, *map(reader.file, files)] if p.strip()).strip()
    words = "\n".join([*parts, *(f"File: {_file_name(f)}" for f in files)])
    headline = next((line.strip() for line in words.splitlines() if line.strip()), "")
    return MessageContent(text, headline, tuple(dict.fromkeys(reader.links)))


def _file_name(file: dict[str, Any]) -> str:
    return file.get("title") or file.get("name") or "a file"


def _unfurl(attachment: dict[str, Any]) -> bool:
    """A preview Slack adds for a link already in the message (its words are the page's)."""
    return bool(attachment.get("from_url") or attachment.get("original_url"))


def _text(message: dict[str, Any]) -> str:
    text = message.get("text") or ""
    return "" if text.strip() == PLACEHOLDER else text


class _Reader:
    """Reads one message, gathering the links it meets on the way."""

    def __init__(self, names: Names) -> None:
        self.names = names
        self.links: list[str] = []

    # -- mrkdwn text ---------------------------------------------------------
    async def markup(self, text: str) -> str:
        """Slack's escaped mrkdwn made readable: mentions named, links spelled out."""
        out, last = [], 0
        for match in MARKUP.finditer(text):
            out.append(self._plain(text[last : match.start()]))
            out.append(await self._special(match.group(1)))
            last = match.end()
        out.append(self._plain(text[last:]))
        return "".join(out)

    def _plain(self, text: str) -> str:
        self.links += BARE_URL.findall(html.unescape(text))
        return html.unescape(text)

    async def _special(self, inner: str) -> str:
        target, _, label = inner.partition("|")
        label = html.unescape(label)
        if target.startswith("@"):
            return "@" + (label or await self.names(target[1:]))
        if target.startswith("#"):
            return "#" + (label or await self.names(target[1:]))
        if target.startswith("!subteam^"):
            return label or "@" + await self.names(target.removeprefix("!subteam^"))
        if target.startswith("!date^"):
            return label
        if target.startswith("!"):
            return "@" + target[1:]
        url = html.unescape(target)
        self.links.append(url)
        return self.link(url, label)

    @staticmethod
    def link(url: str, label: str | None) -> str:
        return f"{label} ({url})" if label and label != url else url

    # -- blocks --------------------------------------------------------------
    async def blocks(self, blocks: Iterable[dict[str, Any]]) -> str:
        """The words of section, header and context blocks."""
        lines = []
        for block in blocks:
            if block.get("type") not in TEXT_BLOCKS:
                continue
            objects = [block.get("text"), *(block.get("fields") or [])]
            objects += block.get("elements") or [] if block.get("type") == "context" else []
            for obj in objects:
                if isinstance(obj, dict) and obj.get("type") in ("mrkdwn", "plain_text"):
                    text = obj.get("text") or ""
                    lines.append(await self.markup(text) if obj["type"] == "mrkdwn" else text)
        return "\n".join(line for line in lines if line.strip())

    async def rich_text(self, block: dict[str, Any]) -> str:
        return "\n".join([await self._rich_part(part) for part in block.get("elements") or []])

    async def _rich_part(self, part: dict[str, Any]) -> str:
        kind = part.get("type")
        if kind == "rich_text_list":
            bullets = []
            for number, item in enumerate(part.get("elements") or [], start=1):
                mark = f"{number}." if part.get("style") == "ordered" else "-"
                bullets.append(
                    f"{'  ' * (part.get('indent') or 0)}{mark} {await self._rich_part(item)}"
                )
            return "\n".join(bullets)
        words = "".join([await self._element(e) for e in part.get("elements") or []])
        if kind == "rich_text_preformatted":
            return f"```\n{words}\n```"
        if kind == "rich_text_quote":
            return "\n".join(f"> {line}" for line in words.splitlines())
        return words.rstrip("\n")

    async def _element(self, element: dict[str, Any]) -> str:
        kind = element.get("type")
        if kind == "text":
            return element.get("text") or ""
        if kind == "link":
            url = element.get("url") or ""
            self.links.append(url)
            return self.link(url, element.get("text"))
        if kind == "user":
            return "@" + await self.names(element.get("user_id") or "")
        if kind == "channel":
            return "#" + await self.names(element.get("channel_id") or "")
        if kind == "usergroup":
            return "@" + await self.names(element.get("usergroup_id") or "")
        if kind == "broadcast":
            return "@" + (element.get("range") or "here")
        if kind == "emoji":
            return f":{element.get('name', '')}:"
        if kind == "date":
            return element.get("fallback") or ""
        return element.get("text") or ""

    # -- attachments and files -----------------------------------------------
    async def attachment(self, attachment: dict[str, Any]) -> str:
        lines = [await self.markup(attachment.get("pretext") or "")]
        title = attachment.get("title") or ""
        if url := attachment.get("title_link"):
            self.links.append(url)
            lines.append(self.link(url, html.unescape(title)))
        else:
            lines.append(html.unescape(title))
        lines.append(await self.markup(attachment.get("text") or ""))
        for field in attachment.get("fields") or []:
            value = await self.markup(str(field.get("value") or ""))
            title = html.unescape(field.get("title") or "")
            lines.append(f"{title}: {value}" if title and value else title or value)
        lines.append(await self.blocks(attachment.get("blocks") or []))
        if not any(line.strip() for line in lines):
            lines.append(await self.markup(attachment.get("fallback") or ""))
        return "\n".join(line for line in lines if line.strip())

    def file(self, file: dict[str, Any]) -> str:
        url = file.get("permalink") or ""
        if url:
            self.links.append(url)
        return f"File: {self.link(url, _file_name(file)) if url else _file_name(file)}"
