"""The argument and Block Kit checks Slack makes, with Slack's error codes."""

from __future__ import annotations

import re
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MESSAGE_BLOCKS = 50
MESSAGE_TEXT = 40_000
CHANNEL_NAME = re.compile(r"^[a-z0-9_-]{1,80}$")


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


def _validate_block(raw: dict[str, Any], index: int) -> None:
    block = Block.parse(raw) if isinstance(raw, dict) else None
    if block is None or type(block) is Block:
        raise SlackError(
            "invalid_blocks", f"[ERROR] unsupported block [json-pointer:/blocks/{index}]"
        )
    parts = [block, *(getattr(block, "elements", None) or [])]
    if getattr(block, "accessory", None) is not None:
        parts.append(block.accessory)
    if getattr(block, "element", None) is not None:
        parts.append(block.element)
    for part in parts:
        validate = getattr(part, "validate_json", None)
        try:
            if validate is not None:
                validate()
        except SlackObjectFormationError as exc:
            pointer = f"[json-pointer:/blocks/{index}]"
            raise SlackError("invalid_blocks", f"[ERROR] {exc} {pointer}") from None


def message_content(args: dict[str, Any]) -> None:
    """A message needs text or blocks; at most 50 valid blocks; text within Slack's limit."""
    blocks = args.get("blocks") or []
    if not args.get("text") and not blocks:
        raise SlackError("no_text")
    if len(args.get("text") or "") > MESSAGE_TEXT:
        raise SlackError("msg_too_long")
    if len(blocks) > MESSAGE_BLOCKS:
        raise SlackError("invalid_blocks", f"[ERROR] must contain at most {MESSAGE_BLOCKS} blocks")
    for index, block in enumerate(blocks):
        _validate_block(block, index)
    if "metadata" in args:
        metadata(args["metadata"])


def metadata(raw: Any) -> None:
    """Message metadata: an ``event_type`` name and an ``event_payload`` object."""
    if (
        not isinstance(raw, dict)
        or not isinstance(raw.get("event_type"), str)
        or not re.fullmatch(r"[a-zA-Z0-9_]{1,255}", raw["event_type"])
        or not isinstance(raw.get("event_payload"), dict)
    ):
        raise SlackError("invalid_metadata_format")


def view(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise SlackError("invalid_arguments", "[ERROR] missing required field: view")
    try:
        View(**raw).validate_json()
    except (SlackObjectFormationError, TypeError) as exc:
        raise SlackError("invalid_arguments", f"[ERROR] {exc}") from None
    for index, block in enumerate(raw.get("blocks", [])):
        _validate_block(block, index)
    return raw


def channel_name(name: str) -> None:
    if not name:
        raise SlackError("invalid_name_required")
    if len(name) > 80:
        raise SlackError("invalid_name_maxlength")
    if not CHANNEL_NAME.match(name):
        raise SlackError("invalid_name_specials")
