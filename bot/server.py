"""``incident-bot run``: serve Slack over Socket Mode or HTTP until told to stop."""

from __future__ import annotations

import asyncio
import logging
import signal

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from bot.app import build_bolt_app, build_web_app, start_services
from bot.config import Settings

log = logging.getLogger(__name__)


async def serve(settings: Settings, host: str, port: int) -> None:
    """Run the bot until SIGINT/SIGTERM; HTTP endpoints are served in both modes."""
    settings.require_slack()
    services = await start_services(settings)
    app = build_bolt_app(services)
    services.start()
    runner = web.AppRunner(build_web_app(app, services), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    socket_mode = None
    if settings.socket_mode:
        socket_mode = AsyncSocketModeHandler(app, settings.slack_app_token)
        await socket_mode.connect_async()
        log.info("connected to Slack over Socket Mode; health on http://%s:%d/healthz", host, port)
    else:
        log.info("serving Slack over HTTP on http://%s:%d/slack/events", host, port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        log.info("shutting down")
        if socket_mode is not None:
            await socket_mode.close_async()
        await runner.cleanup()
        await services.close()
