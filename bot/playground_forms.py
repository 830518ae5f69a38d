"""The playground's forms: each modal an action opened, filled field by field from what the
person types (an answer Slack's client would not send is asked again), then submitted."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot.errors import DomainError
from bot.numbers import whole_number
from emulator.slack import Delivery

INPUT_MOST_CHARACTERS = 3000  # a plain_text_input's max_length at most (Block Kit reference)
Values = dict[str, dict[str, dict[str, Any]]]  # block id → action id → the input's value


@dataclass
class Forms:
    fake: Any  # the local Slack, with the views it opened
    read: Callable[[str], Awaitable[str | None]]
    out: Callable[[str], Any]
    submit: Callable[[str, Values], Awaitable[Delivery]]  # a view's values, as the person
    filled: set[str] = field(default_factory=set)  # modals already filled in

    async def fill_opened(self) -> None:
        """Fill, field by field, each modal the last action opened, and submit it."""
        opened = [
            call.response["view"]["id"]
            for call in self.fake.calls
            if call.method in ("views.open", "views.push") and call.response.get("ok")
        ]
        for view_id in opened:
            if view_id not in self.filled:
                self.filled.add(view_id)
                await self.fill(view_id)

    async def fill(self, view_id: str) -> None:
        while True:
            view = self.fake.views[view_id]
            values: Values = {}
            self.out(f"  Fill in '{view['title']['text']}' (Enter keeps what is shown):")
            for block in view.get("blocks", []):
                if block.get("type") == "input":
                    answer = await self.field(block)
                    if answer is not None:
                        values[block["block_id"]] = {block["element"]["action_id"]: answer}
            delivery = await self.submit(view_id, values)
            errors = (delivery.json() or {}).get("errors") if delivery.body else None
            if not errors:
                return
            for block_id, error in errors.items():
                self.out(f"  {block_id}: {error}")

    async def field(self, block: dict[str, Any]) -> dict[str, Any] | None:
        """One input, asked until the answer is one Slack's client would take for it."""
        element, label = block["element"], block["label"]["text"]
        kind = element["type"]
        if kind in ("static_select", "radio_buttons", "checkboxes"):
            options = element.get("options") or [
                o for g in element.get("option_groups", []) for o in g["options"]
            ]
            for i, option in enumerate(options, 1):
                self.out(f"    {i}) {option['text']['text']}")
            chosen = element.get("initial_options") or (
                [element["initial_option"]] if element.get("initial_option") else []
            )
            current = ", ".join(o["text"]["text"] for o in chosen) or "none"
            many = " (numbers, comma-separated; - for none)" if kind == "checkboxes" else ""
            while (answer := await self.read(f"  {label}{many} [{current}]: ")) is not None:
                try:
                    chosen = _picked(answer, options, kind == "checkboxes", chosen)
                    break
                except DomainError as wrong:
                    self.out(f"    {wrong.message}")
            if kind == "checkboxes":
                return {"type": kind, "selected_options": chosen}
            return {"type": kind, "selected_option": chosen[0]} if chosen else None
        current = element.get("initial_value") or ""
        while (answer := await self.read(f"  {label} [{current}]: ")) is not None:
            try:
                return {"type": kind, "value": _typed(answer.strip() or current, element)}
            except DomainError as wrong:
                self.out(f"    {wrong.message}")
        return {"type": kind, "value": current}


def _picked(
    answer: str, options: list[dict[str, Any]], many: bool, chosen: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The options a typed answer picks (``2``, ``1, 3``; ``-``: none; empty: as they are)."""
    answer = answer.strip()
    if not answer:
        return chosen
    if answer == "-":
        return []
    picks = [p for p in re.split(r"[,\s]+", answer) if p]
    if not many and len(picks) > 1:
        raise DomainError("Pick one.")
    return [options[whole_number(p, 1, len(options)) - 1] for p in dict.fromkeys(picks)]


def _typed(value: str, element: dict[str, Any]) -> str:
    """``value`` if Slack's client would send it for ``element`` (its length, a number's
    bounds), else what to type instead."""
    if element["type"] == "number_input" and value and not element.get("is_decimal_allowed"):
        low, high = int(element.get("min_value", 0)), int(element.get("max_value", 10**9))
        return str(whole_number(value, low, high))
    most = int(element.get("max_length", INPUT_MOST_CHARACTERS))
    least = int(element.get("min_length", 0))
    if not least <= len(value) <= most:
        raise DomainError(f"Type {least} to {most} characters; that is {len(value)}.")
    return value
