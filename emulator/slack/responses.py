"""The local Slack's HTTP side: a Web API call's token checked, the faults a test set and
Slack's pace applied, the method answered in Slack's JSON and recorded; response URLs; the
upload step of ``files.uploadV2``."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from emulator.slack import checks
from emulator.slack.checks import SlackError
from emulator.slack.faults import OUTAGES, SlackFaults
from emulator.slack.methods import Method
from emulator.slack.methods.family import message_fields
from emulator.slack.pace import SlackPace
from emulator.slack.workspace import BOT_USER, Workspace

JSON_FIELDS = ("blocks", "attachments", "view", "metadata")
BOT_TOKEN_PREFIX = "xoxb-"
APP_LEVEL_METHODS = frozenset({"apps.connections.open"})  # take the xapp- token


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    response: dict[str, Any] = field(default_factory=dict)
    at: float = field(default_factory=time.perf_counter)  # when it arrived, for benchmarks
    retry_after: int | None = None  # answered 429 with this Retry-After


class WebApi:
    """Answers ``/api/{method}``, ``/response/…`` and ``/upload/…`` over one workspace."""

    def __init__(
        self,
        workspace: Workspace,
        methods: Mapping[str, Method],
        faults: SlackFaults,
        pacing: SlackPace,
        calls: list[Call],
        revoked_tokens: set[str],
    ) -> None:
        self.workspace, self.methods, self.faults = workspace, methods, faults
        self.pacing, self.calls, self.revoked_tokens = pacing, calls, revoked_tokens

    async def method(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _arguments(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        token = token or args.pop("token", "")
        try:
            if not token:
                raise SlackError("not_authed")
            prefix = "xapp-" if method in APP_LEVEL_METHODS else BOT_TOKEN_PREFIX
            if not token.startswith(prefix):
                raise SlackError("invalid_auth")
            if token in self.revoked_tokens:
                raise SlackError("token_revoked")
            handler = self.methods.get(method)
            if handler is None:
                raise SlackError("unknown_method")
            if (outage := await self._outage(method, args, request)) is not None:
                return outage
            if self.faults.next_rate_limit(method):
                return self._ratelimited(method, args, 0)
            retry_after = self.pacing.call(method, self._posting_to(method, args))
            if retry_after is not None:
                return self._ratelimited(method, args, retry_after)
            if delay := self.faults.next_delay(method):
                await asyncio.sleep(delay)
            if refusal := self.faults.next_refusal(method):
                raise SlackError(refusal)
            answer = {"ok": True, **handler(args)}
        except SlackError as error:
            answer = {"ok": False, "error": error.error}
            if error.messages:
                answer["response_metadata"] = {"messages": error.messages}
        self.calls.append(Call(method, args, answer))
        return web.json_response(answer)

    async def _outage(
        self, method: str, args: dict[str, Any], request: web.Request
    ) -> web.Response | None:
        """The outage the call meets, if one is due (recorded like any call)."""
        kind = self.faults.next_outage(method)
        if kind is None:
            return None
        self.calls.append(Call(method, args, {"ok": False, "outage": kind}))
        if kind == "no-answer":
            while request.transport is not None and not request.transport.is_closing():
                await asyncio.sleep(0.05)  # hold the request until the caller gives up
        content_type = "text/html" if kind == "html-500" else "text/plain"
        return web.Response(status=500, text=OUTAGES[kind], content_type=content_type)

    def _ratelimited(self, method: str, args: dict[str, Any], retry_after: int) -> web.Response:
        """Slack's answer past a rate limit: HTTP 429, ``ratelimited``, Retry-After in seconds."""
        answer = {"ok": False, "error": "ratelimited"}
        self.calls.append(Call(method, args, answer, retry_after=retry_after))
        return web.json_response(answer, status=429, headers={"Retry-After": str(retry_after)})

    def _posting_to(self, method: str, args: dict[str, Any]) -> str | None:
        """The channel a post goes to (a user id means their DM), for its per-channel pace."""
        if method != "chat.postMessage" or not isinstance(args.get("channel"), str):
            return None
        try:
            return self.workspace.channel(args["channel"]).id
        except SlackError:
            return args["channel"]

    async def response_url(self, request: web.Request) -> web.Response:
        """A response URL: a message posted as a reply (truncated past 40,000 characters, with
        Slack's warning, as chat.postMessage is)."""
        args = await request.json()
        channel, user = request.match_info["channel"], request.match_info["user"]
        if (outage := await self._outage("response_url", args, request)) is not None:
            return outage
        try:
            warnings = checks.message_content(args, "response_url")
        except SlackError as error:
            self.calls.append(Call("response_url", args, {"ok": False, "error": error.error}))
            return web.Response(status=400, text=error.error)
        if args.get("response_type") == "in_channel":
            self.workspace.post(channel, BOT_USER, message_fields(args))
        else:
            ephemeral = {"channel": channel, "user": user, **message_fields(args)}
            self.workspace.ephemerals.append(ephemeral)
        answer = {"ok": True, **checks.warned(warnings)}
        self.calls.append(Call("response_url", args, answer))
        return web.json_response(answer) if warnings else web.Response(text="ok")

    async def upload(self, request: web.Request) -> web.Response:
        """Step 2 of files.uploadV2: the file's bytes POSTed to the URL Slack gave."""
        uploaded = self.workspace.files.get(request.match_info["file"])
        if uploaded is None:
            return web.Response(status=404, text="file not found")
        uploaded["content"] = await request.read()
        self.calls.append(Call("upload", {"file": uploaded["id"]}, {"ok": True}))
        return web.Response(text=f"OK - {len(uploaded['content'])}")


async def _arguments(request: web.Request) -> dict[str, Any]:
    args: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        args |= await request.json()
    elif request.method == "POST":
        args |= await request.post()
    for name in JSON_FIELDS:
        if isinstance(args.get(name), str):
            with contextlib.suppress(ValueError):
                args[name] = json.loads(args[name])
    return args
