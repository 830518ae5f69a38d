"""``incident-bot run``: serve Slack over Socket Mode or HTTP until told to stop."""

from __future__ import annotations

import asyncio
import errno
import gc
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.app import build_bolt_app, build_web_app, start_services
from bot.check import preflight
from bot.config import ConfigError, Settings
from bot.services import Services
from bot.slack.connection import check_app_token

log = logging.getLogger(__name__)

SHUTDOWN_GRACE_SECONDS = 10.0  # for work acked before SIGTERM (well inside Kubernetes' 30 s)


@asynccontextmanager
async def serving(
    settings: Settings, host: str, port: int, grace_seconds: float = SHUTDOWN_GRACE_SECONDS
) -> AsyncIterator[Services]:
    """The bot taking Slack's requests (and serving /healthz, /metrics) for the ``with`` block.

    On the way out it stops taking requests first, then lets work under way finish, then
    closes its pools, so nothing acknowledged to Slack is dropped half-done.
    """
    services = await _start(settings)
    socket_mode: AsyncSocketModeHandler | None = None
    runner: web.AppRunner | None = None
    try:
        if settings.slack_app_token:
            await check_app_token(services.slack, settings.slack_app_token)
        app = build_bolt_app(services)
        runner = web.AppRunner(build_web_app(app, services), access_log=None)
        await runner.setup()
        await _listen(runner, host, port)
        services.background.start()  # timers only once the port is ours: a busy port starts nothing
        if settings.slack_app_token:
            socket_mode = AsyncSocketModeHandler(app, settings.slack_app_token)
            await socket_mode.connect_async()
            log.info(
                "connected to Slack over Socket Mode; health on http://%s:%d/healthz", host, port
            )
        else:
            log.info("serving Slack over HTTP on http://%s:%d/slack/events", host, port)
        yield services
    finally:
        if socket_mode is not None:
            await socket_mode.close_async()
        if runner is not None:
            await runner.cleanup()
        await services.close(grace_seconds)


async def _start(settings: Settings) -> Services:
    """The services, with a database that cannot be reached or written as one ConfigError."""
    try:
        return await start_services(settings)
    except (SQLAlchemyError, OSError) as exc:
        url = make_url(settings.database_url)
        where = url.render_as_string() if url.password else settings.database_url  # hides it
        cause = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        fix = (
            "give the bot's user write access to the file and its directory"
            if "readonly" in cause
            else "check that the database server is up and the URL's host, user and password"
        )
        raise ConfigError(f"DATABASE_URL {where} failed at start ({cause}): {fix}.") from None


async def _listen(runner: web.AppRunner, host: str, port: int) -> None:
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        raise ConfigError(
            f"port {port} on {host} is already in use: stop what listens there, or choose "
            "another port with --port (or PORT)."
        ) from None


async def serve(settings: Settings, host: str, port: int) -> None:
    """Check that Slack and AWS answer, then run the bot until SIGINT/SIGTERM."""
    settings.require_slack()
    await preflight(settings)
    async with serving(settings, host, port):
        gc.collect()
        gc.freeze()  # what start-up built lives as long as the process: collections skip it
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await stop.wait()
        log.info("shutting down")
