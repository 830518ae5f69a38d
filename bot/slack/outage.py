"""Slack's outages named as such: an answer that is not Slack's JSON (HTTP 500 with an HTML or a
text page) or no answer at all (a timeout, a connection that fails) becomes one error, logged
once with the method, and told to people in plain words.

slack_sdk alone turns such an answer into ``AttributeError: 'str' object has no attribute
'get'`` (a text/plain body), a SlackApiError whose response is an aiohttp object (a body that is
not JSON), or one with an empty answer (an HTML page): none of which says that Slack is down.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.errors import DomainError

log = logging.getLogger(__name__)

ERROR = "service_unavailable"  # Slack's own code for it: a failure for now, worth retrying


class SlackUnavailable(SlackApiError, DomainError):
    """Slack did not answer as Slack. To code that handles Slack's refusals it is one, with
    Slack's code ``service_unavailable`` (retried later where that is done); to code that tells
    people, a domain error whose message says Slack is down."""

    def __init__(self, api_url: str, what: str) -> None:
        answer = AsyncSlackResponse(
            client=None,
            http_verb="POST",
            api_url=api_url,
            req_args={},
            data={"ok": False, "error": ERROR},
            headers={},
            status_code=503,
        )
        SlackApiError.__init__(self, f"Slack did not answer {api_url}: {what}", answer)
        self.what = what
        self.message = (
            f"Slack is not answering right now ({what}: an outage on Slack's side). Try again "
            "in a few minutes; https://slack-status.com says when Slack is back."
        )


def _not_slack(answer: dict[str, Any]) -> str | None:
    """What is wrong with an HTTP answer that is not Slack's (None: it is Slack's)."""
    status, data = answer.get("status_code"), answer.get("data")
    if isinstance(data, dict) and "ok" in data:
        return None  # Slack's JSON, an error code included: slack_sdk says what it means
    if status == 200:
        return None  # an upload URL's "OK", a file's bytes
    return f"it answered HTTP {status} without Slack's JSON"


async def answered(api_url: str, request: Awaitable[dict[str, Any]]) -> dict[str, Any]:
    """The HTTP answer of ``request`` when it is Slack's; else SlackUnavailable, logged."""
    try:
        answer = await request
    except SlackApiError as exc:
        if isinstance(exc.response, AsyncSlackResponse):
            raise
        what = "it answered with a body that is not JSON"  # slack_sdk could not read it
    except TimeoutError:
        what = "no answer in time"
    except aiohttp.ClientConnectorError:
        what = "no connection could be made"
    except aiohttp.ClientError:
        what = "the connection failed"
    else:
        if (wrong := _not_slack(answer)) is None:
            return answer
        what = wrong
    log.warning("Slack outage: %s: %s", api_url.rsplit("/", 1)[-1], what)
    raise SlackUnavailable(api_url, what) from None


class OutageNamingClient(AsyncWebClient):
    """slack_sdk's client, with Slack's outages raised as SlackUnavailable."""

    async def _request(self, *, http_verb: str, api_url: str, req_args: dict) -> dict[str, Any]:
        request = super()._request(http_verb=http_verb, api_url=api_url, req_args=req_args)
        return await answered(api_url, request)
