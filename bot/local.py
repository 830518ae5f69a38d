"""The bot served in-process on a loopback port: for the demo, the benchmark and the tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.app import Services, build_bolt_app, build_web_app, start_services
from bot.config import load_settings
from emulator.testing import free_port


@dataclass(frozen=True)
class LocalBot:
    services: Services
    url: str

    @property
    def events_url(self) -> str:
        return f"{self.url}/slack/events"


@asynccontextmanager
async def local_bot(**settings: Any) -> AsyncIterator[LocalBot]:
    """Build the bot from ``settings`` (no ``.env``), serve it, and tear it down after."""
    services = await start_services(load_settings(_env_file=None, **settings))
    app = build_bolt_app(services)
    services.start()
    runner = web.AppRunner(build_web_app(app, services), access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield LocalBot(services, f"http://127.0.0.1:{port}")
    finally:
        await runner.cleanup()
        listeners = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        if listeners:  # let work that followed an ack finish before its pools close
            await asyncio.wait(listeners, timeout=1)
        await services.close()
