"""Slack's refusals as the domain hears them: ``SlackApiError`` becomes ``SlackRefused``, with
Slack's code and words for people, so nothing past the Slack side catches a slack_sdk type."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError

from bot.errors import SlackRefused
from bot.slack.outage import ERROR, SlackUnavailable


def refusal(exc: SlackApiError) -> SlackRefused:
    """``exc`` as a domain error: an outage says so, any other refusal names its code."""
    if isinstance(exc, SlackUnavailable):
        return SlackRefused(ERROR, exc.message)
    code = str(exc.response.get("error"))
    return SlackRefused(code, f"Slack refused it (`{code}`).")
