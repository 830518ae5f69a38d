"""Slack's side of Socket Mode: WebSocket URLs for ``apps.connections.open``, envelopes, acks."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

from aiohttp import WSMsgType, web

ACK_SECONDS = 3.0  # what Slack waits for an envelope's acknowledgement


class NotAcknowledged(Exception):
    """The app did not acknowledge an envelope within Slack's 3 seconds."""


class SocketModeHub:
    """The app's open WebSockets, and the envelopes sent over them awaiting their ack."""

    def __init__(self) -> None:
        self.base_url = ""
        self.sockets: list[web.WebSocketResponse] = []
        self.acks: list[dict[str, Any]] = []
        self._waiting: dict[str, asyncio.Future[dict[str, Any] | None]] = {}

    def connection_url(self) -> str:
        """What ``apps.connections.open`` answers: a one-off WebSocket URL."""
        return f"{self.base_url.replace('http', 'ws', 1)}/socket-mode/{uuid.uuid4().hex}"

    async def websocket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await socket.send_json(
            {"type": "hello", "num_connections": len(self.sockets) + 1, "connection_info": {}}
        )
        self.sockets.append(socket)
        try:
            async for message in socket:
                if message.type == WSMsgType.TEXT:
                    self._acknowledged(json.loads(message.data))
        finally:
            self.sockets.remove(socket)
        return socket

    def _acknowledged(self, ack: dict[str, Any]) -> None:
        self.acks.append(ack)
        waiting = self._waiting.pop(ack.get("envelope_id", ""), None)
        if waiting is not None and not waiting.done():
            waiting.set_result(ack.get("payload"))

    async def connected(self, timeout: float = 15.0) -> None:
        """Wait until the app holds a WebSocket open."""
        async with asyncio.timeout(timeout):
            while not self.sockets:
                await asyncio.sleep(0.05)

    async def send(
        self, kind: str, payload: dict[str, Any], retry_attempt: int = 0, retry_reason: str = ""
    ) -> dict[str, Any] | None:
        """Send one envelope on the newest socket; the ack's payload, if it carried one."""
        if not self.sockets:
            raise NotAcknowledged("the app has no Socket Mode connection open")
        envelope_id = str(uuid.uuid4())
        waiting = asyncio.get_running_loop().create_future()
        self._waiting[envelope_id] = waiting
        await self.sockets[-1].send_json(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "payload": payload,
                "accepts_response_payload": kind != "events_api",
                "retry_attempt": retry_attempt,
                "retry_reason": retry_reason,
            }
        )
        try:
            async with asyncio.timeout(ACK_SECONDS):
                return await waiting
        except TimeoutError:
            raise NotAcknowledged(f"no ack for {kind} envelope {envelope_id}") from None
        finally:
            self._waiting.pop(envelope_id, None)
