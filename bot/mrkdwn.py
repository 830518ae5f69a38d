"""Text a person wrote, made safe and short for Slack's mrkdwn: the one place it is escaped."""

from __future__ import annotations


def escape(text: str) -> str:
    """What a person wrote, made to show as itself in mrkdwn: the ``<!channel>``, ``<@U…>`` or
    ``<url|label>`` it spells stays text, never a mention or a link (Slack's own escaping)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int, marker: str = "…") -> str:
    """Plain ``text`` cut to ``limit`` characters, the cut shown with ``marker`` (mrkdwn is cut
    with ``bot.blocks.fit.clip``, which keeps its markup whole)."""
    return text if len(text) <= limit else text[: limit - len(marker)] + marker
