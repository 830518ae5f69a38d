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


def _answer(api_url: str, error: str, status: int) -> AsyncSlackResponse:
    """An answer in Slack's shape for one that had none, with ``error`` as its code."""
    return AsyncSlackResponse(
        client=None,
        http_verb="POST",
        api_url=api_url,
        req_args={},
        data={"ok": False, "error": error},
        headers={},
        status_code=status,
    )


class SlackUnavailable(SlackApiError, DomainError):
    """Slack did not answer as Slack. To code that handles Slack's refusals it is one, with
    Slack's code ``service_unavailable`` (retried later where that is done); to code that tells
    people, a domain error whose message says Slack is down."""

    def __init__(self, api_url: str, what: str) -> None:
        answer = _answer(api_url, ERROR, 503)
        SlackApiError.__init__(self, f"Slack did not answer {api_url}: {what}", answer)
        self.what = what
        self.message = (
            f"Slack is not answering right now ({what}: an outage on Slack's side). Try again "
            "in a few minutes; https://slack-status.com says when Slack is back."
        )


async def answered(api_url: str, request: Awaitable[dict[str, Any]]) -> dict[str, Any]:
    """The HTTP answer of ``request`` when it is Slack's; else SlackUnavailable (no answer, or
    one without Slack's JSON: a server error, a page), or a SlackApiError whose code is
    ``http_<status>`` (a refusal without Slack's JSON, such as a body too large); logged."""
    method = api_url.rsplit("/", 1)[-1]
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
        status, data = answer.get("status_code") or 0, answer.get("data")
        if (isinstance(data, dict) and "ok" in data) or isinstance(data, bytes):
            return answer  # Slack's JSON (its error codes too), or a file's bytes
        what = f"it answered HTTP {status} without Slack's JSON"
        if 400 <= status < 500:
            log.error("Slack refused %s: %s", method, what)
            raise SlackApiError(what, _answer(api_url, f"http_{status}", status)) from None
    log.warning("Slack outage: %s: %s", method, what)
    raise SlackUnavailable(api_url, what) from None


class OutageNamingClient(AsyncWebClient):
    """slack_sdk's client, with Slack's outages raised as SlackUnavailable."""

    async def _request(
        self, *, http_verb: str, api_url: str, req_args: dict[str, Any]
    ) -> dict[str, Any]:
        request = super()._request(http_verb=http_verb, api_url=api_url, req_args=req_args)
        return await answered(api_url, request)
