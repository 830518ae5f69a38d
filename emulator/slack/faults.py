"""What a test makes the local Slack do instead of answering: refuse a method with Slack's
error, answer it late, answer 429, or meet it with an outage on Slack's side."""

from __future__ import annotations

from collections import Counter

OUTAGES = {  # what an outage on Slack's side answers, by kind
    "html-500": "<html><head><title>Slack</title></head><body>Server Error</body></html>",
    "text-500": "Internal Server Error",
    "no-answer": "",
}


class SlackFaults:
    """Per method, what its next calls meet, each used once, in the order given."""

    def __init__(self) -> None:
        self.rate_limited: Counter[str] = Counter()  # method → calls still to answer 429
        self.refusals: dict[str, list[str]] = {}  # method → errors its next calls answer
        self.delays: dict[str, list[float]] = {}  # method → seconds its next calls wait first
        self.outages: dict[str, list[str]] = {}  # method → outage kinds its next calls meet

    def rate_limit(self, method: str, times: int = 1) -> None:
        self.rate_limited[method] += times

    def refuse(self, method: str, error: str, times: int = 1) -> None:
        self.refusals.setdefault(method, []).extend([error] * times)

    def delay(self, method: str, seconds: float, times: int = 1) -> None:
        self.delays.setdefault(method, []).extend([seconds] * times)

    def outage(self, method: str, kind: str = "html-500", times: int = 1) -> None:
        if kind not in OUTAGES:
            raise ValueError(f"outage kind {kind!r}: one of {', '.join(OUTAGES)}")
        self.outages.setdefault(method, []).extend([kind] * times)

    def next_outage(self, method: str) -> str | None:
        return self.outages[method].pop(0) if self.outages.get(method) else None

    def next_rate_limit(self, method: str) -> bool:
        if self.rate_limited[method] <= 0:
            return False
        self.rate_limited[method] -= 1
        return True

    def next_delay(self, method: str) -> float:
        return self.delays[method].pop(0) if self.delays.get(method) else 0.0

    def next_refusal(self, method: str) -> str | None:
        return self.refusals[method].pop(0) if self.refusals.get(method) else None
