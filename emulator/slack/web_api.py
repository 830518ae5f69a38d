"""The local Slack: a workspace served over Slack's Web API, recording every call made to it,
with the controls a test has over its answers.

Laid out as moto lays out a service: the model (``workspace.py``), the methods that answer by
family (``methods/``), the HTTP side (``responses.py``) and its routes (``urls.py``)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from emulator.slack import urls
from emulator.slack.faults import SlackFaults
from emulator.slack.methods import methods_of
from emulator.slack.pace import SlackPace
from emulator.slack.responses import Call, WebApi
from emulator.slack.socket_mode import SocketModeHub
from emulator.slack.workspace import Workspace


class FakeSlack(Workspace):
    """The workspace behind the local API, plus the record of every call made to it."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[Call] = []
        self.socket_mode = SocketModeHub()
        self.revoked_tokens: set[str] = set()
        self.pacing = SlackPace()  # Slack's rate limits, on unless ``pace(False, because=…)``
        self.faults = SlackFaults()

    def app(self) -> web.Application:
        methods = methods_of(self, self.socket_mode)
        web_api = WebApi(self, methods, self.faults, self.pacing, self.calls, self.revoked_tokens)
        return urls.application(web_api, self.socket_mode)

    # -- what a test makes it do -------------------------------------------
    def rate_limit(self, method: str, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` as Slack does when rate limited."""
        self.faults.rate_limit(method, times)

    def pace(self, on: bool, *, because: str) -> None:
        """Pace like Slack (the default), or not, for the reason given: a test or benchmark
        that legitimately goes past Slack's rate limits says why it turns them off."""
        self.pacing.pace(on, because=because)

    def refuse(self, method: str, error: str, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with Slack's ``error`` (missing_scope…)."""
        self.faults.refuse(method, error, times)

    def delay(self, method: str, seconds: float, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` ``seconds`` late (what they do is done
        after the wait, as when Slack is slow)."""
        self.faults.delay(method, seconds, times)

    def outage(self, method: str, kind: str = "html-500", times: int = 1) -> None:
        """Meet the next ``times`` calls of ``method`` (``response_url`` for response URLs)
        with an outage on Slack's side: ``html-500`` (HTTP 500 with an HTML page),
        ``text-500`` (HTTP 500 with a text/plain body) or ``no-answer`` (no answer at all
        until the caller gives up)."""
        self.faults.outage(method, kind, times)

    # -- what a test reads -------------------------------------------------
    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def rate_limited_calls(self, method: str | None = None) -> list[Call]:
        """Calls answered 429 (by the pace or by ``rate_limit``)."""
        return [c for c in self.calls if c.retry_after is not None and method in (None, c.method)]

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


class RunningFakeSlack:
    """Serves a ``FakeSlack`` on a free loopback port for the length of an ``async with``."""

    def __init__(self, fake: FakeSlack | None = None) -> None:
        self.fake = fake or FakeSlack()
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> RunningFakeSlack:
        self._runner = web.AppRunner(self.fake.app(), access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()  # the kernel picks a free port
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        self.api_url = f"{self.url}/api/"
        self.fake.base_url = self.fake.socket_mode.base_url = self.url
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._runner is not None
        for connection in list(self.fake.socket_mode.sockets):
            await connection.close()
        await self._runner.cleanup()


__all__ = ["Call", "FakeSlack", "RunningFakeSlack"]
