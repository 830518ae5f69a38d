"""One number parser: ASCII digits as ``int()`` reads them, within bounds; everything else,
whatever Unicode calls a digit, is a clear refusal and never another exception."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.numbers import BadNumber, Bounds, whole_number

MINUTES = Bounds(0, 30, "minutes", set_by="AWS", per=" per stage")

# Every character Unicode calls a number (decimal digits of every script, superscripts, circled
# and fractions), ASCII digits, and what int() also swallows: signs, underscores, spaces.
NUMBERISH = st.characters(categories=("Nd", "No", "Nl")) | st.sampled_from("0123456789+-_ .\t")


@given(st.text(NUMBERISH, max_size=8), st.integers(0, 100), st.integers(0, 100))
@example("²", 0, 30)
@example("①", 0, 30)
@example("٣", 0, 30)
@example("+3", 0, 30)
@example("1_0", 0, 30)
@example("9" * 5000, 0, 30)
def test_a_number_is_ascii_digits_within_bounds_or_a_clear_refusal(
    text: str, low: int, span: int
) -> None:
    high = low + span
    plain = text.strip()
    try:
        number = whole_number(text, low, high, "minutes")
    except BadNumber as refused:
        assert refused.message.startswith("Give a whole number of minutes from")
        if plain.isascii() and plain.isdigit():  # digits, but out of bounds
            significant = plain.lstrip("0") or "0"
            assert len(significant) > 4 or not low <= int(significant) <= high
        return
    assert plain.isascii() and plain.isdigit()
    assert number == int(plain)
    assert low <= number <= high


@given(st.characters(categories=("Nd", "No", "Nl")).filter(lambda c: not c.isascii()))
def test_no_digit_of_another_script_is_a_number(char: str) -> None:
    with pytest.raises(BadNumber):
        whole_number(char, 0, 10**9)
    assert unicodedata.category(char).startswith("N")


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("31", "AWS accepts 0 to 30 minutes per stage, not 31."),
        ("0031", "AWS accepts 0 to 30 minutes per stage, not 31."),
        ("9" * 40, "AWS accepts 0 to 30 minutes per stage, not that many."),
        ("-1", "Give a whole number of minutes from 0 to 30."),
        ("²", "Give a whole number of minutes from 0 to 30."),
        ("", "Give a whole number of minutes from 0 to 30."),
    ],
)
def test_what_a_refusal_says(text: str, said: str) -> None:
    with pytest.raises(BadNumber) as refused:
        MINUTES.read(text)
    assert refused.value.message == said


def test_bounds_we_set_say_what_to_give() -> None:
    with pytest.raises(BadNumber) as refused:
        whole_number("51", 1, 50)
    assert refused.value.message == "Give a whole number from 1 to 50, not 51."
    assert whole_number(" 007 ", 1, 50) == 7
