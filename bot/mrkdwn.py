"""Text a person wrote, made safe and short for Slack's mrkdwn: the one place it is escaped and
where it is cut."""

from __future__ import annotations

ELLIPSIS = "…"


def escape(text: str) -> str:
    """What a person wrote, made to show as itself in mrkdwn: the ``<!channel>``, ``<@U…>`` or
    ``<url|label>`` it spells stays text, never a mention or a link (Slack's own escaping)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int, marker: str = "…") -> str:
    """Plain ``text`` cut to ``limit`` characters, the cut shown with ``marker`` (mrkdwn is cut
    with ``clip``, which keeps its markup whole)."""
    return text if len(text) <= limit else text[: limit - len(marker)] + marker


def closed(cut: str) -> str:
    """``cut`` without an entity (``&amp;``) or Slack markup (``<@U…>``, ``<url|label>``,
    ``<!date…>``) its end leaves open: text the bot escaped has ``<`` and ``&`` only there."""
    if cut.rfind("<") > cut.rfind(">"):
        cut = cut[: cut.rfind("<")]
    if cut.rfind("&") > cut.rfind(";"):
        cut = cut[: cut.rfind("&")]
    return cut


def clip(mrkdwn: str, limit: int) -> str:
    """``mrkdwn`` cut to ``limit`` characters, ending in ``…``, never inside an entity or
    Slack's markup."""
    if len(mrkdwn) <= limit:
        return mrkdwn
    return closed(mrkdwn[: limit - len(ELLIPSIS)]) + ELLIPSIS
