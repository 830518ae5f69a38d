"""Slack's refusals as the domain's ``SlackRefused``: what a port implemented on Slack raises, so
the domain learns Slack's code and whether to try again without knowing slack_sdk."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from slack_sdk.errors import SlackApiError

from bot.errors import SlackRefused
from bot.slack.outage import SlackUnavailable

# Slack's codes for a failure on its side or a pace to keep: worth trying again later
# (https://api.slack.com/web#evaluating_responses, each method's "Errors" table)
TRANSIENT = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)


def refused(exc: SlackApiError) -> SlackRefused:
    """``exc`` in the domain's words: an outage is for now, and said as Slack's outage."""
    code = str(exc.response.get("error"))
    if isinstance(exc, SlackUnavailable):
        return SlackRefused(
            code, False, f"Slack is not answering: {exc.what}, an outage on Slack's side"
        )
    return SlackRefused(code, code not in TRANSIENT, f"Slack said {code}")


@contextmanager
def refusals() -> Iterator[None]:
    """Raise Slack's refusals inside the block as ``SlackRefused``."""
    try:
        yield
    except SlackApiError as exc:
        raise refused(exc) from None
