"""Fitting what the bot says into Slack's limits: whole lines kept, the rest counted in a last
line that says where to see them; long summaries over several inputs, joined back whole."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bot.blocks.fit import (
    MESSAGE_BLOCKS,
    OPTION_VALUE,
    SECTION_TEXT,
    chosen,
    clip,
    fit_blocks,
    fit_lines,
    fit_sections,
    fit_text,
    option_value,
    wrapped,
)
from bot.blocks.modals import SUMMARY_PARTS, summary_inputs, summary_parts
from bot.mrkdwn import escape

WHERE = "`/incident list all`"
MORE = re.compile(r"^…and (\d+) more — `/incident list all`$")
# text people write, escaped as the bot shows it, with Slack's markup the bot builds around it
written = st.text(st.characters(codec="utf-8"), max_size=400).map(escape)
lines_of = st.lists(
    st.one_of(written, written.map(lambda text: f"• <@U123ABC> {text} <#C0123|ops>")),
    max_size=200,
)


def whole_markup(text: str) -> bool:
    """No entity or Slack markup is cut open in ``text``."""
    return text.rfind("<") <= text.rfind(">") and text.rfind("&") <= text.rfind(";")


@given(lines_of, st.integers(min_value=200, max_value=50_000))
def test_fitted_lines_are_within_the_budget_and_count_what_is_left(
    lines: list[str], budget: int
) -> None:
    fitted = fit_lines(lines, budget, WHERE)
    assert len("\n".join(fitted)) <= budget
    if fitted == lines:
        return
    *kept, last = fitted
    left = MORE.match(last)
    assert left is not None
    assert int(left.group(1)) == len(lines) - len(kept)
    assert all(shown == line for shown, line in zip(kept[:-1], lines, strict=False))


def test_lines_that_fit_are_all_kept_and_nothing_is_added() -> None:
    assert fit_lines(["a", "b"], 3, WHERE) == ["a", "b"]


def test_a_cut_list_ends_in_the_count_of_what_is_left() -> None:
    lines = [f"• incident {n:03d}" for n in range(100)]
    assert fit_text("*Open incidents*", lines, WHERE, budget=200).splitlines()[1:] == [
        *lines[:9],
        "…and 91 more — `/incident list all`",
    ]


@given(written, st.integers(min_value=2, max_value=500))
def test_clipping_never_cuts_markup_open(text: str, limit: int) -> None:
    marked = f"<@U123ABC> {text} <https://example.com|x>"
    clipped = clip(marked, limit)
    assert len(clipped) <= limit
    assert whole_markup(clipped.removesuffix("…"))


@given(written, st.integers(min_value=20, max_value=3_000))
def test_a_wrapped_line_is_whole_again_joined(text: str, size: int) -> None:
    pieces = wrapped(text, size)
    assert "".join(pieces) == text
    assert all(len(piece) <= size for piece in pieces)


@given(lines_of)
def test_sections_hold_every_line_or_count_the_rest(lines: list[str]) -> None:
    sections = [block.to_dict()["text"]["text"] for block in fit_sections(lines, WHERE, room=3)]
    assert len(sections) <= 3
    assert all(len(text) <= SECTION_TEXT for text in sections)
    shown = "\n".join(sections)
    if sections and MORE.match(shown.splitlines()[-1]):
        assert len(sections) == 3
    else:  # every line, whole (blank ones aside)
        assert re.sub(r"\s", "", shown) == re.sub(r"\s", "", "".join(lines))


def test_a_message_of_blocks_keeps_whole_items_and_counts_the_rest() -> None:
    items = [fit_sections([f"override {n}"], WHERE) for n in range(60)]
    blocks = [block.to_dict() for block in fit_blocks(items, MESSAGE_BLOCKS, WHERE)]
    assert len(blocks) == MESSAGE_BLOCKS
    assert blocks[-1]["elements"][0]["text"] == "…and 11 more — `/incident list all`"
    assert blocks[-2]["text"]["text"] == "override 48"


@given(st.text(st.characters(codec="utf-8"), min_size=OPTION_VALUE - 5, max_size=1_000))
def test_a_long_option_value_is_found_again_among_its_candidates(value: str) -> None:
    key = option_value(value)
    assert len(key) <= OPTION_VALUE
    assert chosen(key, ["arn:aws:other", value]) == value


summaries = st.text(st.sampled_from("ab \n\t&<é😀"), max_size=8_000)


@given(summaries)
def test_a_summary_over_inputs_joins_back_whole(summary: str) -> None:
    parts = summary_parts(summary)
    assert "".join(parts) == summary
    assert all(len(part) <= 3_000 for part in parts)
    inputs = [block.to_dict() for block in summary_inputs(summary)]
    assert len(parts) <= len(inputs) <= SUMMARY_PARTS
    shown = "".join(i["element"].get("initial_value") or "" for i in inputs)
    assert shown == summary
    assert all(i["element"]["max_length"] <= 3_000 for i in inputs)
    room = 3_000 * len(inputs) - len(summary)
    assert room >= 500 or len(inputs) == SUMMARY_PARTS
