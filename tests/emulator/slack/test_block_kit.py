"""Every bound in the local Slack's table of Block Kit limits, at its maximum accepted and one
past it refused, with Slack's message and the JSON pointer of what was wrong."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from emulator.slack import blockkit, limits
from emulator.slack.limits import ELEMENT_GROUPS, KINDS, Rule

_ids = itertools.count(1)


def text(content: str = "x", kind: str = "plain_text") -> dict[str, Any]:
    return {"type": kind, "text": content}


def minimal(kind: str) -> dict[str, Any]:
    """The smallest valid object of ``kind``: its required fields, one of its ``one_of``."""
    spec = KINDS[kind]
    raw: dict[str, Any] = {}
    if kind in limits.SURFACE_BLOCKS["message"] | limits.SURFACE_BLOCKS["modal"]:
        raw["type"] = kind
    elif kind == "image_element":
        raw["type"] = "image"
    elif kind in {name for group in ELEMENT_GROUPS.values() for name in group}:
        raw |= {"type": kind, "action_id": f"a{next(_ids)}"}
    for name in (*[n for n, r in spec.fields.items() if r.required], *spec.one_of[:1]):
        raw[name] = value(spec.fields[name])
    return raw


def value(rule: Rule, size: int | None = None) -> Any:
    """A valid value of ``rule``'s shape (``size``: characters, items or the number itself)."""
    count = size if size is not None else max(rule.least or 1, 1)
    if rule.shape == "string":
        return "x" * count
    if rule.shape in ("text", "plain_text"):
        return text("x" * count)
    if rule.shape == "integer":
        return count
    if rule.shape == "boolean":
        return True
    if rule.shape == "enum":
        return rule.values[0]
    if rule.shape == "object":
        return minimal(rule.of)
    if rule.shape == "element":
        return minimal(sorted(ELEMENT_GROUPS[rule.of] & KINDS.keys())[0])
    if rule.shape == "texts":
        return [text() for _ in range(count)]
    if rule.shape == "objects":
        return [minimal(rule.of) for _ in range(count)]
    if rule.shape == "elements":
        return [text() if rule.of == "context" else minimal("button") for _ in range(count)]
    return [{"type": "rich_text_section", "elements": []}]


def select(**fields: Any) -> dict[str, Any]:
    return {"type": "static_select", "action_id": f"a{next(_ids)}", **fields}


def placed(kind: str, raw: dict[str, Any]) -> tuple[list[dict[str, Any]], str, str]:
    """``raw`` where Slack takes it: its blocks, their surface and the pointer to ``raw``."""
    if kind in limits.SURFACE_BLOCKS["message"]:
        return [raw], "message", "/blocks/0"
    in_element = {
        "confirm": ({**minimal("button"), "confirm": raw}, "/confirm"),
        "option": (select(options=[raw]), "/options/0"),
        "option_group": (select(option_groups=[raw]), "/option_groups/0"),
        "overflow_option": ({**minimal("overflow"), "options": [raw]}, "/options/0"),
        "rich_option": ({**minimal("checkboxes"), "options": [raw]}, "/options/0"),
    }
    if kind in in_element:
        element, inside = in_element[kind]
        actions = {"type": "actions", "elements": [element]}
        return [actions], "message", f"/blocks/0/elements/0{inside}"
    if kind == "image_element":
        return [{"type": "context", "elements": [raw]}], "message", "/blocks/0/elements/0"
    if kind in ELEMENT_GROUPS["action"]:
        return [{"type": "actions", "elements": [raw]}], "message", "/blocks/0/elements/0"
    block = {"type": "input", "label": text(), "element": raw}
    return [block], "modal", "/blocks/0/element"


def problems(kind: str, raw: dict[str, Any]) -> tuple[list[str], str]:
    blocks, surface, pointer = placed(kind, raw)
    return list(blockkit.blocks(blocks, surface, "/blocks")), pointer


def fields(bound: str) -> Any:
    """Every (kind, field, rule) of the table with a ``most`` (or ``least``) bound."""
    found = [
        (kind, name, rule)
        for kind, spec in KINDS.items()
        for name, rule in spec.fields.items()
        if getattr(rule, bound)
    ]
    return pytest.mark.parametrize(
        ("kind", "name", "rule"), found, ids=[f"{kind}.{name}" for kind, name, _ in found]
    )


@fields("most")
def test_each_maximum_is_accepted_and_one_more_refused(kind: str, name: str, rule: Rule) -> None:
    assert rule.most is not None and rule.source.startswith("https://docs.slack.dev/")
    at_most = {**minimal(kind), name: value(rule, rule.most)}
    assert problems(kind, at_most)[0] == []

    found, pointer = problems(kind, {**minimal(kind), name: value(rule, rule.most + 1)})
    where = {"text": "/text", "plain_text": "/text"}.get(rule.shape, "")
    limit = min(rule.most, limits.TEXT_MOST) if where else rule.most
    said = {
        "string": f"must be less than {limit + 1} characters",
        "text": f"must be less than {limit + 1} characters",
        "plain_text": f"must be less than {limit + 1} characters",
        "integer": f"must be less than {limit + 1}",
    }.get(rule.shape, f"no more than {limit} items allowed")
    assert found == [f"[ERROR] {said} [json-pointer:{pointer}/{name}{where}]"]


@fields("least")
def test_each_minimum_is_accepted_and_one_less_refused(kind: str, name: str, rule: Rule) -> None:
    assert rule.least is not None
    assert problems(kind, {**minimal(kind), name: value(rule, rule.least)})[0] == []
    found, pointer = problems(kind, {**minimal(kind), name: value(rule, rule.least - 1)})
    assert len(found) == 1 and f"[json-pointer:{pointer}/{name}" in found[0]


@pytest.mark.parametrize(
    ("kind", "name"),
    [(k, n) for k, spec in KINDS.items() for n, r in spec.fields.items() if r.required],
)
def test_each_required_field_is_asked_for(kind: str, name: str) -> None:
    raw = minimal(kind)
    del raw[name]
    found, pointer = problems(kind, raw)
    assert found == [f"[ERROR] missing required field: {name} [json-pointer:{pointer}]"]


def test_a_section_needs_text_or_fields_and_text_of_one_character() -> None:
    found, _ = problems("section", {"type": "section"})
    assert found == ["[ERROR] must provide one of: text, fields [json-pointer:/blocks/0]"]
    found, _ = problems("section", {"type": "section", "text": text("")})
    assert found == ["[ERROR] must be more than 0 characters [json-pointer:/blocks/0/text/text]"]


def test_plain_text_only_where_slack_says_so() -> None:
    header = {"type": "header", "text": text("Title", "mrkdwn")}
    found, _ = problems("header", header)
    assert found == ["[ERROR] must be one of plain_text [json-pointer:/blocks/0/text/type]"]
    section = {"type": "section", "text": text("*bold*", "mrkdwn")}
    assert problems("section", section)[0] == []


def test_a_context_block_holds_ten_elements_of_3000_characters() -> None:
    ten = {"type": "context", "elements": [text("x" * 3000, "mrkdwn")] * 10}
    assert problems("context", ten)[0] == []
    found, _ = problems("context", {"type": "context", "elements": [text("x" * 3001)]})
    assert found == [
        "[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/elements/0/text]"
    ]


def test_elements_only_where_their_block_takes_them() -> None:
    actions = {"type": "actions", "elements": [minimal("plain_text_input")]}
    found, _ = problems("actions", actions)
    assert found == [
        "[ERROR] unsupported type: plain_text_input [json-pointer:/blocks/0/elements/0/type]"
    ]


@pytest.mark.parametrize("surface", ["message", "modal", "home"])
def test_blocks_per_surface(surface: str) -> None:
    most = limits.SURFACES[surface].blocks
    assert most == (50 if surface == "message" else 100)
    divider = {"type": "divider"}
    assert list(blockkit.blocks([divider] * most, surface, "/blocks")) == []
    found = list(blockkit.blocks([divider] * (most + 1), surface, "/blocks"))
    assert found == [f"[ERROR] no more than {most} items allowed [json-pointer:/blocks]"]


def test_block_ids_are_unique_in_a_message_and_action_ids_in_a_block() -> None:
    blocks = [
        {"type": "divider", "block_id": "same"},
        {"type": "actions", "block_id": "same", "elements": [minimal("button")] * 2},
    ]
    assert list(blockkit.blocks(blocks, "message", "/blocks")) == [
        "[ERROR] action_id needs to be unique [json-pointer:/blocks/1/elements/1/action_id]",
        "[ERROR] Block ID needs to be unique [json-pointer:/blocks/1/block_id]",
    ]


def test_markdown_blocks_hold_12000_characters_together() -> None:
    half = {"type": "markdown", "text": "x" * 6000}
    assert list(blockkit.blocks([half, half], "message", "/blocks")) == []
    found = list(blockkit.blocks([half, half, {"type": "markdown", "text": "x"}], "message", ""))
    assert found == [
        "[ERROR] markdown blocks must be less than 12001 characters together [json-pointer:]"
    ]
    assert "markdown" not in limits.SURFACE_BLOCKS["modal"]


def modal(**fields: Any) -> dict[str, Any]:
    return {"type": "modal", "title": text("Declare"), "blocks": [], **fields}


def test_a_modal_has_a_title_of_24_characters() -> None:
    assert list(blockkit.view(modal(title=text("x" * 24)))) == []
    assert list(blockkit.view(modal(title=text("x" * 25)))) == [
        "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"
    ]
    untitled = modal()
    del untitled["title"]
    assert list(blockkit.view(untitled)) == [
        "[ERROR] missing required field: title [json-pointer:/view]"
    ]


def test_a_modal_with_inputs_has_a_submit_button() -> None:
    field = {"type": "input", "label": text("Title"), "element": minimal("plain_text_input")}
    assert list(blockkit.view(modal(blocks=[field]))) == [
        "[ERROR] submit is required when a view has input blocks [json-pointer:/view/submit]"
    ]
    assert list(blockkit.view(modal(blocks=[field], submit=text("Declare")))) == []


@pytest.mark.parametrize(("name", "most"), [("private_metadata", 3000), ("callback_id", 255)])
@pytest.mark.parametrize("surface", ["modal", "home"])
def test_view_strings(surface: str, name: str, most: int) -> None:
    view = modal() if surface == "modal" else {"type": "home", "blocks": []}
    assert list(blockkit.view({**view, name: "x" * most})) == []
    assert list(blockkit.view({**view, name: "x" * (most + 1)})) == [
        f"[ERROR] must be less than {most + 1} characters [json-pointer:/view/{name}]"
    ]


def test_every_rule_names_its_page() -> None:
    rules = [rule for spec in KINDS.values() for rule in spec.fields.values()]
    rules += [rule for surface in limits.SURFACES.values() for rule in surface.fields.values()]
    assert all(rule.source.startswith("https://docs.slack.dev/reference/") for rule in rules)
    assert all(kind.source.startswith("https://docs.slack.dev/") for kind in KINDS.values())
