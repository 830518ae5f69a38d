"""The emulator's routes (moto's ``urls``): both AWS services on one port, and the
``/_emulator/`` controls a test or an operator uses."""

from __future__ import annotations

from aiohttp import web

from emulator.account import Emulator
from emulator.responses import Responses

CONTROL = "/_emulator"


def build_app(emulator: Emulator) -> web.Application:
    answer = Responses(emulator)
    app = web.Application(client_max_size=8 * 1024 * 1024)
    app.router.add_get(f"{CONTROL}/health", answer.health)
    app.router.add_route("*", f"{CONTROL}/clock", answer.clock)
    app.router.add_post(f"{CONTROL}/clock/advance", answer.clock)
    app.router.add_get(f"{CONTROL}/outbox", answer.outbox)
    app.router.add_post(f"{CONTROL}/reset", answer.reset)
    app.router.add_route("*", f"{CONTROL}/faults", answer.faults)
    app.router.add_route("*", "/{tail:.*}", answer.aws)
    return app
