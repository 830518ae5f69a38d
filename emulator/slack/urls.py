"""The local Slack's routes: the Web API, response URLs, uploads and Socket Mode's WebSocket."""

from __future__ import annotations

from aiohttp import web

from emulator.slack.responses import WebApi
from emulator.slack.socket_mode import SocketModeHub


def application(web_api: WebApi, hub: SocketModeHub) -> web.Application:
    app = web.Application()
    app.router.add_route("*", "/api/{method}", web_api.method)
    app.router.add_post("/response/{channel}/{user}", web_api.response_url)
    app.router.add_post("/upload/{file}", web_api.upload)
    app.router.add_get("/socket-mode/{connection}", hub.websocket)
    return app
