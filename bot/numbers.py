"""Every number a person types (a form's minutes, ``/incident timeline 20``, the playground's
``:press 3``) read one way: ASCII digits, as ``int()`` reads them, within the field's bounds.

``str.isdigit()`` says yes to ``²`` and ``①``, which ``int()`` refuses, and ``int()`` itself takes
``٣``, ``+3``, ``1_0`` and 4,300 digits before it gives up: what is accepted here is only what a
person means by a number in a form, and anything else is told as what to give instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import InvalidInput

LONGEST_SAID = 12  # digits of a refused number shown back; a longer one is said as "that many"


class BadNumber(InvalidInput):
    """Not a whole number within the field's bounds; ``message`` says what to give."""


@dataclass(frozen=True)
class Bounds:
    """A field's whole numbers: ``low`` to ``high`` ``what`` (``0`` to ``30`` ``minutes``).

    ``set_by`` names who sets the bounds when it is not us (``AWS``): a number out of them is
    then said as ``AWS accepts 0 to 30 minutes per stage, not 31.`` (``per``: `` per stage``).
    """

    low: int
    high: int
    what: str = ""
    set_by: str = ""
    per: str = ""

    def read(self, text: str) -> int:
        """The number ``text`` holds (spaces around it allowed), else :class:`BadNumber`."""
        digits = text.strip()
        if not (digits.isascii() and digits.isdigit()):
            raise BadNumber(self._give())
        significant = digits.lstrip("0") or "0"
        if len(significant) > max(LONGEST_SAID, len(str(self.high))):  # int() need not try
            raise BadNumber(self._outside("that many"))
        number = int(significant)
        if not self.low <= number <= self.high:
            raise BadNumber(self._outside(str(number)))
        return number

    def _give(self) -> str:
        of = f" of {self.what}" if self.what else ""
        return f"Give a whole number{of} from {self.low} to {self.high}."

    def _outside(self, said: str) -> str:
        if self.set_by:
            what = f" {self.what}" if self.what else ""
            return f"{self.set_by} accepts {self.low} to {self.high}{what}{self.per}, not {said}."
        return f"{self._give()[:-1]}, not {said}."


def whole_number(text: str, low: int, high: int, what: str = "") -> int:
    """``Bounds(low, high, what).read(text)``: for a number read once."""
    return Bounds(low, high, what).read(text)
