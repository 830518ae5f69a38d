"""Block Kit checked against ``limits``: what Slack refuses in blocks and views, as Slack says it.

Each problem is one of Slack's ``response_metadata.messages`` lines:
``[ERROR] must be less than 151 characters [json-pointer:/blocks/0/text/text]``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from emulator.slack import limits
from emulator.slack.limits import KINDS, Rule

Problems = Iterator[str]


def _error(what: str, pointer: str) -> str:
    return f"[ERROR] {what} [json-pointer:{pointer}]"


def _length(value: str, rule: Rule, pointer: str) -> Problems:
    if rule.most is not None and len(value) > rule.most:
        yield _error(f"must be less than {rule.most + 1} characters", pointer)
    if rule.least is not None and len(value) < rule.least:
        yield _error(f"must be more than {rule.least - 1} characters", pointer)


def _text_object(raw: Any, pointer: str, most: int | None, plain: bool) -> Problems:
    """A text object: ``plain_text`` (or ``mrkdwn`` where allowed), 1 character to ``most``
    (never past a text object's own 3000)."""
    if not isinstance(raw, dict):
        yield _error("must provide an object", pointer)
        return
    kinds = ("plain_text",) if plain else ("plain_text", "mrkdwn")
    if raw.get("type") not in kinds:
        yield _error(f"must be one of {', '.join(kinds)}", f"{pointer}/type")
        return
    text = raw.get("text")
    if not isinstance(text, str):
        yield _error("missing required field: text", pointer)
        return
    bound = Rule("string", limits.TEXT_OBJECT, most=min(most or 3000, limits.TEXT_MOST), least=1)
    yield from _length(text, bound, f"{pointer}/text")
    if "emoji" in raw and raw["type"] != "plain_text":
        yield _error("emoji is only allowed on plain_text", f"{pointer}/emoji")
    if "verbatim" in raw and raw["type"] != "mrkdwn":
        yield _error("verbatim is only allowed on mrkdwn", f"{pointer}/verbatim")


def _field(name: str, rule: Rule, value: Any, pointer: str) -> Problems:
    """One field's value against its rule."""
    at = f"{pointer}/{name}"
    shape = rule.shape
    if shape == "string":
        if not isinstance(value, str):
            yield _error("must provide a string", at)
        else:
            yield from _length(value, rule, at)
    elif shape == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            yield _error("must provide an integer", at)
        elif rule.most is not None and value > rule.most:
            yield _error(f"must be less than {rule.most + 1}", at)
        elif rule.least is not None and value < rule.least:
            yield _error(f"must be more than {rule.least - 1}", at)
    elif shape == "boolean":
        if not isinstance(value, bool):
            yield _error("must provide a boolean", at)
    elif shape == "enum":
        if value not in rule.values:
            yield _error(f"must be one of {', '.join(rule.values)}", at)
    elif shape in ("text", "plain_text"):
        yield from _text_object(value, at, rule.most, shape == "plain_text")
    elif shape == "object":
        yield from check_object(rule.of, value, at)
    elif shape in ("texts", "objects", "elements", "list"):
        yield from _list(rule, value, at)
    elif shape == "element":
        yield from element(rule.of, value, at)


def _list(rule: Rule, value: Any, at: str) -> Problems:
    if not isinstance(value, list):
        yield _error("must provide an array", at)
        return
    if rule.most is not None and len(value) > rule.most:
        yield _error(f"no more than {rule.most} items allowed", at)
    if rule.least is not None and len(value) < rule.least:
        yield _error(f"must provide at least {rule.least} items", at)
    for index, item in enumerate(value):
        if rule.shape == "texts":
            yield from _text_object(item, f"{at}/{index}", rule.each, plain=False)
        elif rule.shape == "objects":
            yield from check_object(rule.of, item, f"{at}/{index}")
        elif rule.shape == "elements":
            yield from element(rule.of, item, f"{at}/{index}")


def check_object(kind: str, raw: Any, pointer: str) -> Problems:
    """A Block Kit object of ``kind`` (its ``type`` for blocks and elements)."""
    if not isinstance(raw, dict):
        yield _error("must provide an object", pointer)
        return
    spec = KINDS[kind]
    for name, rule in spec.fields.items():
        if name in raw:
            yield from _field(name, rule, raw[name], pointer)
        elif rule.required:
            yield _error(f"missing required field: {name}", pointer)
    if spec.one_of and not any(name in raw for name in spec.one_of):
        yield _error(f"must provide one of: {', '.join(spec.one_of)}", pointer)


def element(group: str, raw: Any, pointer: str) -> Problems:
    """An element where ``group`` (``limits.ELEMENT_GROUPS``) allows it."""
    kind = raw.get("type") if isinstance(raw, dict) else None
    if kind not in limits.ELEMENT_GROUPS[group]:
        yield _error(f"unsupported type: {kind}", f"{pointer}/type")
        return
    if kind in ("plain_text", "mrkdwn"):  # a context block's text
        yield from _text_object(raw, pointer, limits.TEXT_MOST, plain=False)
        return
    yield from check_object("image_element" if kind == "image" else str(kind), raw, pointer)


def _unique_actions(raw: dict[str, Any], pointer: str) -> Problems:
    """Within a block, ``action_id`` is unique (limits.ACTION_ID_UNIQUE)."""
    seen: set[str] = set()
    for index, item in enumerate(raw.get("elements") or []):
        action = item.get("action_id") if isinstance(item, dict) else None
        if action is not None and action in seen:
            yield _error("action_id needs to be unique", f"{pointer}/elements/{index}/action_id")
        seen.add(action)


def blocks(raw: Any, surface: str, pointer: str) -> Problems:
    """A message's or view's ``blocks``: their number, each block, unique block ids."""
    if not isinstance(raw, list):
        yield _error("must provide an array", pointer)
        return
    most = limits.SURFACES[surface].blocks
    if len(raw) > most:
        yield _error(f"no more than {most} items allowed", pointer)
    ids: set[str] = set()
    markdown = 0
    for index, block in enumerate(raw):
        at = f"{pointer}/{index}"
        kind = block.get("type") if isinstance(block, dict) else None
        if kind not in limits.SURFACE_BLOCKS[surface]:
            yield _error(f"unsupported type: {kind}", f"{at}/type")
            continue
        yield from check_object(str(kind), block, at)
        yield from _unique_actions(block, at)
        block_id = block.get("block_id")
        if block_id is not None and block_id in ids:
            yield _error("Block ID needs to be unique", f"{at}/block_id")
        ids.add(block_id)
        if kind == "markdown" and isinstance(block.get("text"), str):
            markdown += len(block["text"])
    if markdown > limits.MARKDOWN_MOST:
        yield _error(
            f"markdown blocks must be less than {limits.MARKDOWN_MOST + 1} characters together",
            pointer,
        )


def view(raw: Any) -> Problems:
    """A modal or Home tab view, as ``views.open``/``update``/``push``/``publish`` take it."""
    if not isinstance(raw, dict):
        yield _error("must provide an object", "/view")
        return
    surface = raw.get("type")
    if surface not in ("modal", "home"):
        yield _error("must be one of modal, home", "/view/type")
        return
    for name, rule in limits.SURFACES[surface].fields.items():
        if name in raw:
            yield from _field(name, rule, raw[name], "/view")
        elif rule.required:
            yield _error(f"missing required field: {name}", "/view")
    if "blocks" not in raw:
        yield _error("missing required field: blocks", "/view")
        return
    yield from blocks(raw["blocks"], surface, "/view/blocks")
    has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in raw["blocks"])
    if surface == "modal" and has_input and "submit" not in raw:
        yield _error("submit is required when a view has input blocks", "/view/submit")
