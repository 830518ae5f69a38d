"""What an incident's channel is told when the incident changed in AWS, outside Slack."""

from __future__ import annotations

from bot.blocks.fit import MESSAGE_TEXT
from bot.mrkdwn import clip, escape


def changed_in_aws_text(what: str) -> str:
    """``:pencil2: Impact raised to 1 Critical in AWS`` (``what`` is mrkdwn already)."""
    return f":pencil2: {what}"


def note_in_aws_text(note: str) -> str:
    """A note someone added to the timeline in AWS, as the text they wrote."""
    return clip(f":memo: Added to the timeline in AWS: {escape(note)}", MESSAGE_TEXT)
