"""Where Slack's requests enter: malformed ones refused with 400, an ack that stays given, and
a redelivered request acknowledged and dropped.

A request whose listener acks before doing anything (a slash command, a button, a shortcut: the
house rule) is acknowledged while its delivery is claimed, and its listener goes on past
``ack()`` only once the claim says it is the first delivery; the others (events, which Bolt acks
itself, and forms and menus, whose listeners read the request before answering) are claimed
before their listener runs."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from aiohttp import web
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.response import BoltResponse
from sqlalchemy.exc import SQLAlchemyError

from bot.redeliveries import Deliveries, request_id
from bot.store.database import Database

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
TIMESTAMP = "X-Slack-Request-Timestamp"


def malformed(content_type: str, timestamp: str | None, body: str) -> str | None:
    """What makes a request to ``/slack/events`` unreadable, or None when Bolt may read it."""
    if timestamp is not None and not timestamp.strip().isdigit():
        return f"{TIMESTAMP} is not a number of seconds"
    if content_type == "application/json":
        try:
            payload = json.loads(body) if body else {}
        except ValueError:
            return "the body is not JSON"
        return _payload_problem(payload)
    form = parse_qs(body, keep_blank_values=True) if "payload" in body else {}  # as Bolt reads it
    if "payload" not in form:
        return None  # a slash command: Bolt reads each field it needs
    try:
        payload = json.loads(form["payload"][0])
    except ValueError:
        return "the payload is not JSON"
    return _payload_problem(payload)


def _payload_problem(payload: Any) -> str | None:
    if not isinstance(payload, dict):
        return "the payload is not a JSON object"
    objects = ("event", "user", "view", "channel", "message")
    wrong = [
        key
        for key in objects
        if payload.get(key) is not None and not isinstance(payload[key], dict)
    ]
    if wrong:
        return f"{', '.join(wrong)} must be JSON objects"
    actions = payload.get("actions", [])
    if not isinstance(actions, list) or not all(isinstance(a, dict) for a in actions):
        return "actions must be a list of JSON objects"
    kind = payload.get("type")
    interactive = ("block_actions", "view_submission", "view_closed", "shortcut", "message_action")
    if kind in interactive and not isinstance((payload.get("user") or {}).get("id"), str):
        return f"a {kind} payload names no user"
    if kind in ("view_submission", "view_closed") and "view" not in payload:
        return f"a {kind} payload has no view"
    return None


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def refuse_malformed(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A request Bolt could not read is answered 400 with why, and reaches no listener."""
    if request.method == "POST" and request.path == EVENTS_PATH:
        content_type = request.content_type
        problem = malformed(content_type, request.headers.get(TIMESTAMP), await request.text())
        if problem:
            return _refused(problem)
        try:
            return await handler(request)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            # Bolt handles a listener's errors itself: what escapes it failed to read the request
            return _refused(f"a field Slack always sends is missing or wrong ({exc!r})")
    return await handler(request)


def _refused(problem: str) -> web.Response:
    log.warning("refused a malformed Slack request: %s", problem)
    return web.json_response({"error": f"malformed request: {problem}"}, status=400)


def requester(body: dict) -> tuple[str | None, str | None]:
    """Who sent a request and from which channel, whatever its kind (an event: who reacted)."""
    event = body.get("event") or {}
    user = body.get("user_id") or (body.get("user") or {}).get("id") or event.get("user")
    channel = (
        body.get("channel_id")
        or (body.get("channel") or {}).get("id")
        or (event.get("item") or {}).get("channel")
        or event.get("channel")
    )
    return user, channel


class StickyAck(AsyncAck):
    """An ack whose answer, once given, stays given.

    Bolt resets an ack to None when its listener fails after acknowledging; if that happens
    before Bolt has sent the ack, Slack gets a 404 for a request that was handled.
    """

    _given: BoltResponse | None = None

    @property
    def response(self) -> BoltResponse | None:
        return self._given

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        if value is not None or self._given is None:
            self._given = value


class Redelivered(Exception):
    """Raised by ``ack()`` in a listener whose request was delivered before: it goes no further."""


class ClaimedAck(StickyAck):
    """A sticky ack that, once its answer is given, waits for its request's claim and stops the
    listener (raising :class:`Redelivered`) when the request was delivered before."""

    def __init__(self, request: str, claim: asyncio.Future[bool]) -> None:
        super().__init__()
        self._request, self._claim = request, claim

    async def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        answer = await super().__call__(*args, **kwargs)
        if not await _claimed(self._request, self._claim):
            raise Redelivered(self._request)
        return answer


ACK_FIRST = ("block_actions", "shortcut", "message_action")  # and slash commands


def acks_first(body: dict[str, Any]) -> bool:
    """Whether the request's listener acks before doing anything else."""
    return "command" in body or body.get("type") in ACK_FIRST


def claim_deliveries(
    database: Database,
) -> Callable[[dict[str, Any], dict[str, Any], Callable[[], Awaitable[Any]]], Awaitable[Any]]:
    """Bolt global middleware: each request's ``ack`` is a :class:`StickyAck`, and a redelivered
    request is acknowledged and goes no further."""
    deliveries = Deliveries(database)

    async def middleware(
        body: dict[str, Any], context: dict[str, Any], next: Callable[[], Awaitable[Any]]
    ) -> Any:
        request = request_id(body)
        if request is None:
            context["ack"] = StickyAck()
            return await next()
        claim = deliveries.claim(request)
        if acks_first(body):
            context["ack"] = ClaimedAck(request, claim)
            return await next()
        context["ack"] = StickyAck()
        if await _claimed(request, claim):
            return await next()
        return BoltResponse(status=200, body="")

    return middleware


async def _claimed(request: str, claim: asyncio.Future[bool]) -> bool:
    """Whether ``request`` is delivered for the first time; True when that cannot be recorded
    (better twice than never)."""
    try:
        first = await asyncio.shield(claim)
    except SQLAlchemyError as exc:
        log.warning("could not record Slack request %s: %s", request, type(exc).__name__)
        return True
    if not first:
        log.info("ignored a redelivered Slack request (%s)", request)
    return first
