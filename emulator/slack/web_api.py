"""A fake Slack Web API over HTTP: records every call and answers in Slack's shapes."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from emulator.slack import checks, limits
from emulator.slack.checks import SlackError, require
from emulator.slack.pace import SlackPace
from emulator.slack.socket_mode import SocketModeHub
from emulator.slack.workspace import BOT_ID, BOT_USER, TEAM, Workspace
from emulator.testing import free_port

JSON_FIELDS = ("blocks", "attachments", "view", "metadata")
OUTAGES = {  # what an outage on Slack's side answers, by kind
    "html-500": "<html><head><title>Slack</title></head><body>Server Error</body></html>",
    "text-500": "Internal Server Error",
    "no-answer": "",
}


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    response: dict[str, Any] = field(default_factory=dict)
    at: float = field(default_factory=time.perf_counter)  # when it arrived, for benchmarks
    retry_after: int | None = None  # answered 429 with this Retry-After


class FakeSlack(Workspace):
    """The workspace behind the fake API, plus the record of every call made to it."""

    token_prefix = "xoxb-"
    app_level_methods = frozenset({"apps.connections.open"})  # take the xapp- token

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[Call] = []
        self.base_url = ""
        self.socket_mode = SocketModeHub()
        self.revoked_tokens: set[str] = set()
        self.pacing = SlackPace()  # Slack's rate limits, on unless ``pace(False, because=…)``
        self.rate_limited: Counter[str] = Counter()  # method → calls still to answer 429
        self.refusals: dict[str, list[str]] = {}  # method → errors its next calls answer
        self.delays: dict[str, list[float]] = {}  # method → seconds its next calls wait first
        self.outages: dict[str, list[str]] = {}  # method → outage kinds its next calls meet
        self.homes: dict[str, str] = {}  # user → their Home tab's view id
        self.canvases: dict[str, dict[str, Any]] = {}  # canvas id → title, markdown, channels
        self.files: dict[str, dict[str, Any]] = {}  # file id → name, title, content (bytes)
        self._methods: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            name.removeprefix("api_").replace("_", "."): getattr(self, name)
            for name in dir(self)
            if name.startswith("api_")
        }

    # -- what tests read ---------------------------------------------------
    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def rate_limit(self, method: str, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` as Slack does when rate limited."""
        self.rate_limited[method] += times

    def pace(self, on: bool, *, because: str) -> None:
        """Pace like Slack (the default), or not, for the reason given: a test or benchmark
        that legitimately goes past Slack's rate limits says why it turns them off."""
        self.pacing.pace(on, because=because)

    def rate_limited_calls(self, method: str | None = None) -> list[Call]:
        """Calls answered 429 (by the pace or by ``rate_limit``)."""
        return [c for c in self.calls if c.retry_after is not None and method in (None, c.method)]

    def refuse(self, method: str, error: str, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with Slack's ``error`` (missing_scope…)."""
        self.refusals.setdefault(method, []).extend([error] * times)

    def delay(self, method: str, seconds: float, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` ``seconds`` late (what they do is done
        after the wait, as when Slack is slow)."""
        self.delays.setdefault(method, []).extend([seconds] * times)

    def outage(self, method: str, kind: str = "html-500", times: int = 1) -> None:
        """Meet the next ``times`` calls of ``method`` (``response_url`` for response URLs)
        with an outage on Slack's side: ``html-500`` (HTTP 500 with an HTML page),
        ``text-500`` (HTTP 500 with a text/plain body) or ``no-answer`` (no answer at all
        until the caller gives up)."""
        if kind not in OUTAGES:
            raise ValueError(f"outage kind {kind!r}: one of {', '.join(OUTAGES)}")
        self.outages.setdefault(method, []).extend([kind] * times)

    async def _outage(
        self, method: str, args: dict[str, Any], request: web.Request
    ) -> web.Response | None:
        """The outage the call meets, if one is due (recorded like any call)."""
        if not self.outages.get(method):
            return None
        kind = self.outages[method].pop(0)
        self.calls.append(Call(method, args, {"ok": False, "outage": kind}))
        if kind == "no-answer":
            while request.transport is not None and not request.transport.is_closing():
                await asyncio.sleep(0.05)  # hold the request until the caller gives up
        content_type = "text/html" if kind == "html-500" else "text/plain"
        return web.Response(status=500, text=OUTAGES[kind], content_type=content_type)

    def clear(self) -> None:
        self.calls.clear()

    def messages(self, channel_id: str) -> list[dict[str, Any]]:
        return list(self.channel(channel_id).messages)

    def dms(self, user_id: str) -> list[dict[str, Any]]:
        return list(self.im(user_id).messages)

    def pins(self, channel_id: str) -> list[str]:
        return list(self.channel(channel_id).pins)

    def ephemerals_for(self, user_id: str | None = None) -> list[dict[str, Any]]:
        return [e for e in self.ephemerals if user_id in (None, e.get("user"))]

    def user_posts(
        self, channel_id: str, user_id: str, text: str, thread_ts: str | None = None
    ) -> str:
        """A person writes in a channel (the bot is not the author)."""
        fields: dict[str, Any] = {"text": text}
        if thread_ts:
            fields["thread_ts"] = thread_ts
        self.channel(channel_id).members.add(user_id)
        return self.post(channel_id, user_id, fields)["ts"]

    # -- HTTP --------------------------------------------------------------
    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{channel}/{user}", self._response_url)
        app.router.add_post("/upload/{file}", self._upload)
        app.router.add_get("/socket-mode/{connection}", self.socket_mode.websocket)
        return app

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _arguments(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        token = token or args.pop("token", "")
        try:
            if not token:
                raise SlackError("not_authed")
            prefix = "xapp-" if method in self.app_level_methods else self.token_prefix
            if not token.startswith(prefix):
                raise SlackError("invalid_auth")
            if token in self.revoked_tokens:
                raise SlackError("token_revoked")
            handler = self._methods.get(method)
            if handler is None:
                raise SlackError("unknown_method")
            if (outage := await self._outage(method, args, request)) is not None:
                return outage
            if self.rate_limited[method] > 0:
                self.rate_limited[method] -= 1
                return self._ratelimited(method, args, 0)
            retry_after = self.pacing.call(method, self._posting_to(method, args))
            if retry_after is not None:
                return self._ratelimited(method, args, retry_after)
            if self.delays.get(method):
                await asyncio.sleep(self.delays[method].pop(0))
            if self.refusals.get(method):
                raise SlackError(self.refusals[method].pop(0))
            answer = {"ok": True, **handler(args)}
        except SlackError as error:
            answer = {"ok": False, "error": error.error}
            if error.messages:
                answer["response_metadata"] = {"messages": error.messages}
        self.calls.append(Call(method, args, answer))
        return web.json_response(answer)

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
            return self.channel(args["channel"]).id
        except SlackError:
            return args["channel"]

    async def _response_url(self, request: web.Request) -> web.Response:
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
            self.post(channel, BOT_USER, _message_fields(args))
        else:
            self.ephemerals.append({"channel": channel, "user": user, **_message_fields(args)})
        answer = {"ok": True, **checks.warned(warnings)}
        self.calls.append(Call("response_url", args, answer))
        return web.json_response(answer) if warnings else web.Response(text="ok")

    async def _upload(self, request: web.Request) -> web.Response:
        """Step 2 of files.uploadV2: the file's bytes POSTed to the URL Slack gave."""
        uploaded = self.files.get(request.match_info["file"])
        if uploaded is None:
            return web.Response(status=404, text="file not found")
        uploaded["content"] = await request.read()
        self.calls.append(Call("upload", {"file": uploaded["id"]}, {"ok": True}))
        return web.Response(text=f"OK - {len(uploaded['content'])}")

    def response_url(self, channel_id: str, user_id: str) -> str:
        return f"{self.base_url}/response/{channel_id}/{user_id}"

    # -- methods -----------------------------------------------------------
    def api_apps_connections_open(self, _: dict[str, Any]) -> dict[str, Any]:
        return {"url": self.socket_mode.connection_url()}

    def api_auth_test(self, _: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": "https://fake.slack.local/",
            "team": "Fake Workspace",
            "team_id": TEAM,
            "user": "incident-bot",
            "user_id": BOT_USER,
            "bot_id": BOT_ID,
        }

    def api_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "channel")
        warnings = checks.message_content(args, "chat.postMessage")
        channel = self.channel(args["channel"])
        if args.get("thread_ts"):
            self.message(channel.id, args["thread_ts"])
        fields = _message_fields(args)
        if "metadata" in args:
            fields["metadata"] = args["metadata"]
        message = self.post(channel.id, BOT_USER, fields)
        answer = {"channel": channel.id, "ts": message["ts"], "message": message}
        return {**answer, **checks.warned(warnings)}

    def api_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "channel", "user")
        warnings = checks.message_content(args, "chat.postEphemeral")
        channel = self.channel(args["channel"])
        self.user(args["user"])
        ts = self.new_ts()
        self.ephemerals.append(
            {"channel": channel.id, "user": args["user"], "ts": ts, **_message_fields(args)}
        )
        return {"message_ts": ts, **checks.warned(warnings)}

    def api_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "channel", "ts")
        checks.message_content(args, "chat.update")
        channel = self.channel(args["channel"])
        message = self.message(channel.id, args["ts"])
        if message.get("user") != BOT_USER:
            raise SlackError("cant_update_message")
        message.update(_message_fields(args))
        message["edited"] = {"user": BOT_USER, "ts": self.new_ts()}
        return {"channel": channel.id, "ts": message["ts"], "text": message.get("text", "")}

    def api_chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "channel", "ts")
        channel = self.channel(args["channel"])
        message = self.message(channel.id, args["ts"])
        if message.get("user") != BOT_USER:
            raise SlackError("cant_delete_message")
        channel.messages.remove(message)
        return {"channel": channel.id, "ts": args["ts"]}

    def api_chat_getPermalink(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "channel", "message_ts")
        channel = self.channel(args["channel"])
        self.message(channel.id, args["message_ts"])
        ts = args["message_ts"].replace(".", "")
        return {
            "channel": channel.id,
            "permalink": f"https://fake.slack.local/archives/{channel.id}/p{ts}",
        }

    def api_conversations_create(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "name")
        checks.channel_name(args["name"])
        channel_id = self.add_channel(args["name"], members=[BOT_USER])
        return {"channel": self.channels[channel_id].info()}

    def api_conversations_invite(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "channel")
        channel = self.channel(args["channel"])
        if BOT_USER not in channel.members:
            raise SlackError("not_in_channel")
        users = checks.listed(args.get("users"))
        if not users:
            raise SlackError("no_user")
        if len(users) > limits.INVITE_USERS:
            raise SlackError("invalid_arguments")
        for user in users:  # one refused invitation: nobody is invited (the method's page)
            self.user(user)
            if user == BOT_USER:
                raise SlackError("cant_invite_self")
            if user in channel.members:
                raise SlackError("already_in_channel")
        channel.members.update(users)
        return {"channel": channel.info()}

    def api_conversations_join(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "channel")
        channel = self.channel(args["channel"])
        channel.members.add(BOT_USER)
        return {"channel": channel.info()}

    def api_conversations_list(self, _: dict[str, Any]) -> dict[str, Any]:
        channels = [c.info() for c in self.channels.values() if not c.is_im]
        return {"channels": channels, "response_metadata": {"next_cursor": ""}}

    def api_conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "channel")
        return {"channel": self.channel(args["channel"]).info()}

    def api_conversations_members(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "channel")
        return {"members": sorted(self.channel(args["channel"]).members)}

    def api_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "channel")
        channel = self.channel(args["channel"])
        messages = list(reversed(channel.messages))
        if str(args.get("include_all_metadata")).lower() not in ("true", "1"):
            messages = [{k: v for k, v in m.items() if k != "metadata"} for m in messages]
        return {"messages": messages, "has_more": False}

    def api_conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        """The thread of ``ts``, parent first. Asked for a reply, Slack answers with the whole
        thread (as documented) or, as has been seen, with that reply alone: ``replies_answer``
        picks. ``oldest``/``latest`` (``inclusive``) narrow the replies, never the parent."""
        require(args, "channel", "ts")
        channel = self.channel(args["channel"])
        asked = next((m for m in channel.messages if m["ts"] == args["ts"]), None)
        if asked is None:
            raise SlackError("thread_not_found")
        if self.replies_answer == "message" and asked.get("thread_ts", asked["ts"]) != asked["ts"]:
            return {"messages": [asked], "has_more": False}
        root = asked.get("thread_ts") or asked["ts"]
        thread = [m for m in channel.messages if root in (m["ts"], m.get("thread_ts"))]
        replies = [m for m in thread[1:] if _within(m["ts"], args)]
        limit = int(args.get("limit") or 1000)
        return {"messages": (thread[:1] + replies)[:limit], "has_more": False}

    def api_conversations_archive(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "channel")
        channel = self.channel(args["channel"])
        if channel.is_im:
            raise SlackError("method_not_supported_for_channel_type")
        if BOT_USER not in channel.members:
            raise SlackError("not_in_channel")
        if channel.is_archived:
            raise SlackError("already_archived")
        channel.is_archived = True
        return {}

    def api_canvases_create(self, args: dict[str, Any]) -> dict[str, Any]:
        content = args.get("document_content") or {}
        if content and content.get("type") != "markdown":
            raise SlackError("invalid_argument")
        canvas_id = self.new_id("F")
        self.canvases[canvas_id] = {
            "id": canvas_id,
            "title": args.get("title") or "Untitled",
            "markdown": content.get("markdown", ""),
            "channels": [],
        }
        return {"canvas_id": canvas_id}

    def api_canvases_access_set(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "canvas_id", "access_level")
        if args["canvas_id"] not in self.canvases:
            raise SlackError("canvas_not_found")
        checks.canvas_access(args)
        channels = [self.channel(channel) for channel in checks.listed(args.get("channel_ids"))]
        if any(channel.is_im for channel in channels):
            raise SlackError("invalid_arguments")  # "DMs ... will not be accepted"
        for user in checks.listed(args.get("user_ids")):
            self.user(user)
        self.canvases[args["canvas_id"]]["channels"].extend(channel.id for channel in channels)
        return {}

    def api_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "filename", "length")
        file_id = self.new_id("F")
        self.files[file_id] = {"id": file_id, "name": args["filename"], "content": None}
        return {"upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    def api_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "files")
        listed = args["files"]
        listed = json.loads(listed) if isinstance(listed, str) else listed
        completed = []
        for item in listed:
            uploaded = self.files.get(item.get("id", ""))
            if uploaded is None or uploaded["content"] is None:
                raise SlackError("file_not_found")
            uploaded["title"] = item.get("title") or uploaded["name"]
            completed.append({k: v for k, v in uploaded.items() if k != "content"})
        if args.get("channel_id"):
            fields = {"text": args.get("initial_comment", ""), "files": completed}
            self.post(self.channel(args["channel_id"]).id, BOT_USER, fields)
        return {"files": completed}

    def api_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "users")
        return {"channel": self.im(str(args["users"]).split(",")[0]).info()}

    def api_pins_add(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "channel", "timestamp")
        channel = self.channel(args["channel"])
        self.message(channel.id, args["timestamp"])
        if args["timestamp"] in channel.pins:
            raise SlackError("already_pinned")
        channel.pins.append(args["timestamp"])
        return {}

    def api_pins_list(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "channel")
        channel = self.channel(args["channel"])
        return {
            "items": [
                {"type": "message", "message": self.message(channel.id, ts)} for ts in channel.pins
            ]
        }

    def api_reactions_add(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "channel", "timestamp", "name")
        message = self.message(self.channel(args["channel"]).id, args["timestamp"])
        reactions = message.setdefault("reactions", [])
        if any(r["name"] == args["name"] and BOT_USER in r["users"] for r in reactions):
            raise SlackError("already_reacted")
        reactions.append({"name": args["name"], "users": [BOT_USER], "count": 1})
        return {}

    def _store_view(self, raw: dict[str, Any], view_id: str | None = None) -> dict[str, Any]:
        view = {
            **checks.view(raw),
            "id": view_id or self.new_id("V"),
            "hash": self.new_ts(),
            "team_id": TEAM,
            "app_id": "AINCIDENT",
            "bot_id": BOT_ID,
            "state": {"values": {}},
        }
        self.views[view["id"]] = view
        return view

    def api_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "trigger_id", "view")
        checks.view(args["view"])
        self.use_trigger(args["trigger_id"])
        return {"view": self._store_view(args["view"])}

    def api_views_push(self, args: dict[str, Any]) -> dict[str, Any]:
        return self.api_views_open(args)

    def api_views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "view")
        view_id = args.get("view_id") or next(
            (
                v["id"]
                for v in self.views.values()
                if v.get("external_id") == args.get("external_id")
            ),
            None,
        )
        if view_id not in self.views:
            raise SlackError("not_found")
        if args.get("hash") and args["hash"] != self.views[view_id]["hash"]:
            raise SlackError("hash_conflict")
        return {"view": self._store_view(args["view"], view_id)}

    def api_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "user_id", "view")
        self.user(args["user_id"])
        view = self._store_view(args["view"], self.homes.get(args["user_id"]))
        self.homes[args["user_id"]] = view["id"]
        return {"view": view}

    def home(self, user_id: str) -> dict[str, Any] | None:
        """The Home tab ``user_id`` sees now, if the app published one."""
        view_id = self.homes.get(user_id)
        return self.views[view_id] if view_id else None

    def api_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "user")
        return {"user": self.user(args["user"])}

    def api_bots_info(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "bot")
        if args["bot"] not in self.bots:
            raise SlackError("bot_not_found")
        return {"bot": self.bots[args["bot"]]}

    def api_users_lookupByEmail(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "email")
        for user in self.users.values():
            if (user["profile"].get("email") or "").lower() == args["email"].lower():
                return {"user": user}
        raise SlackError("users_not_found")

    def api_usergroups_users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        require(args, "usergroup")
        if args["usergroup"] not in self.usergroups:
            raise SlackError("no_such_subteam")
        return {"users": self.usergroups[args["usergroup"]]}

    def views_opened(self) -> list[dict[str, Any]]:
        """Every modal opened, as it shows now (after any views.update)."""
        return [
            self.views[call.response["view"]["id"]]
            for call in self.calls_to("views.open")
            if call.response["ok"]
        ]

    def modals(self, callback_id: str) -> list[dict[str, Any]]:
        """The modals opened that now show ``callback_id`` (a loading modal once filled)."""
        return [view for view in self.views_opened() if view["callback_id"] == callback_id]


def _within(ts: str, args: dict[str, Any]) -> bool:
    """Whether ``ts`` lies between ``oldest`` and ``latest`` as Slack reads them."""
    inclusive = str(args.get("inclusive")).lower() in ("true", "1")
    after, before = float(args.get("oldest") or 0), float(args.get("latest") or "inf")
    if inclusive:
        return after <= float(ts) <= before
    return after < float(ts) < before


def _message_fields(args: dict[str, Any]) -> dict[str, Any]:
    kept = ("text", "markdown_text", "blocks", "thread_ts", "attachments")
    return {key: args[key] for key in kept if key in args}


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


class RunningFakeSlack:
    """Serves a ``FakeSlack`` on a free loopback port for the length of an ``async with``."""

    def __init__(self, fake: FakeSlack | None = None) -> None:
        self.fake = fake or FakeSlack()
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> RunningFakeSlack:
        port = free_port()
        self._runner = web.AppRunner(self.fake.app(), access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}"
        self.api_url = f"{self.url}/api/"
        self.fake.base_url = self.fake.socket_mode.base_url = self.url
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._runner is not None
        for connection in list(self.fake.socket_mode.sockets):
            await connection.close()
        await self._runner.cleanup()
