"""The argument checks Slack makes before a method runs, with Slack's error codes; every bound
comes from ``limits``, every Block Kit check from ``blockkit``."""

from __future__ import annotations

import re
from typing import Any

from emulator.slack import blockkit, limits

TRUNCATED = "message_truncated"


class SlackError(Exception):
    """An ``ok: false`` answer: Slack's error code and, for blocks, what was wrong."""

    def __init__(self, error: str, *messages: str) -> None:
        super().__init__(error)
        self.error = error
        self.messages = list(messages)


def require(args: dict[str, Any], *names: str) -> None:
    for name in names:
        if args.get(name) in (None, ""):
            raise SlackError("invalid_arguments", f"[ERROR] missing required field: {name}")


def message_content(args: dict[str, Any], method: str) -> list[str]:
    """A message as ``method`` takes it (``response_url`` for a response URL): text,
    markdown_text, blocks, attachments, metadata. Text past 40,000 characters is cut in
    ``args`` and answered with Slack's warning where Slack truncates, refused where it does not.
    The warnings Slack gives are returned."""
    text, markdown = args.get("text") or "", args.get("markdown_text") or ""
    blocks, attachments = args.get("blocks"), args.get("attachments")
    if markdown:
        if text or blocks:
            raise SlackError("markdown_text_conflict")
        if len(markdown) > limits.MARKDOWN_TEXT:
            raise SlackError("msg_too_long")  # limits.MARKDOWN_TEXT_TOO_LONG
    elif not text and not blocks and not attachments:
        raise SlackError("no_text")
    if blocks is not None:
        if not isinstance(blocks, list):
            raise SlackError("invalid_blocks_format")
        problems = list(blockkit.blocks(blocks, "message", "/blocks"))
        if problems:
            raise SlackError("invalid_blocks", *problems)
    if isinstance(attachments, list) and len(attachments) > limits.ATTACHMENTS:
        raise SlackError("too_many_attachments")
    if "metadata" in args:
        metadata(args["metadata"])
    if len(text) <= limits.MESSAGE_TEXT:
        return []
    if method not in limits.TRUNCATING:
        raise SlackError("msg_too_long")  # limits.TEXT_TOO_LONG
    args["text"] = text[: limits.MESSAGE_TEXT]
    return [TRUNCATED]


def warned(warnings: list[str]) -> dict[str, Any]:
    """What Slack adds to an answer when it warns (a truncated message)."""
    if not warnings:
        return {}
    return {
        "warning": ",".join(warnings),
        "response_metadata": {"warnings": warnings, "messages": [limits.TRUNCATED_WARNING]},
    }


def metadata(raw: Any) -> None:
    """Message metadata: an ``event_type`` name and an ``event_payload`` object."""
    if (
        not isinstance(raw, dict)
        or not isinstance(raw.get("event_type"), str)
        or not re.fullmatch(limits.METADATA_EVENT_TYPE, raw["event_type"])
        or not isinstance(raw.get("event_payload"), dict)
    ):
        raise SlackError("invalid_metadata_format")


def view(raw: Any) -> dict[str, Any]:
    """A view as the views methods take it; Slack answers a bad one ``invalid_arguments``."""
    if not isinstance(raw, dict):
        raise SlackError("invalid_arguments", "[ERROR] missing required field: view")
    problems = list(blockkit.view(raw))
    if problems:
        raise SlackError("invalid_arguments", *problems)
    return raw


def channel_name(name: str) -> None:
    if not name:
        raise SlackError("invalid_name_required")
    if len(name) > 80:
        raise SlackError("invalid_name_maxlength")
    if not re.fullmatch(limits.CHANNEL_NAME, name):
        raise SlackError("invalid_name_specials")


def listed(value: Any) -> list[str]:
    """A list argument as Slack reads it: a JSON array or comma-separated ids."""
    items = value if isinstance(value, list) else str(value or "").split(",")
    return [str(item).strip() for item in items if str(item).strip()]


def canvas_access(args: dict[str, Any]) -> None:
    """canvases.access.set: channels or users, not both (METHODS/canvases.access.set)."""
    channels, users = listed(args.get("channel_ids")), listed(args.get("user_ids"))
    if bool(channels) == bool(users):
        raise SlackError("invalid_parameters")
    if args["access_level"] not in ("read", "write", "owner"):
        raise SlackError("invalid_arguments")
    if channels and args["access_level"] == "owner":
        raise SlackError("invalid_arguments")  # "only users can be owners"
