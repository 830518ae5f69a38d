"""The emulator's HTTP server: both AWS services on one port, plus ``/_emulator/`` controls."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from emulator.clock import Clock
from emulator.contacts import ContactsBackend
from emulator.errors import ServiceError, not_implemented
from emulator.faults import FaultError, Faults
from emulator.incidents import IncidentsBackend
from emulator.model import CONTACTS, INCIDENTS, match_route, service_model
from emulator.validation import reject_unknown_operation, validate
from emulator.wire import (
    json_answer,
    json_error,
    json_input,
    rest_answer,
    rest_error,
    rest_input,
    to_python,
)

log = logging.getLogger("emulator")

CONTROL = "/_emulator"
TARGET_PREFIX = "SSMContacts."


class Emulator:
    """Both backends, one lock, one clock, and optional persistence to a JSON file."""

    def __init__(
        self,
        clock: Clock | None = None,
        state_file: Path | None = None,
        seeder: Callable[[Emulator], None] | None = None,
    ) -> None:
        self.clock = clock or Clock()
        self.seeder = seeder  # what reset() creates again (the --seed file)
        self.lock = threading.RLock()
        self.contacts = ContactsBackend(self.clock)
        self.incidents = IncidentsBackend(self.clock, self.contacts)
        self.faults = Faults()
        self.state_file = state_file
        if state_file is not None and state_file.exists():
            state = json.loads(state_file.read_text(), object_hook=_decode)
            self.incidents.load(state["incidents"])
            self.contacts.load(state["contacts"])

    def call(self, service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        """Validate and run one operation; the same path the HTTP server takes."""
        model = service_model(service).operation_model(operation)
        validate(model.input_shape, params)
        params = to_python(model.input_shape, params) or {}
        backend = self.incidents if service == INCIDENTS else self.contacts
        handler = getattr(backend, operation, None)
        if handler is None:
            raise not_implemented(operation)
        with self.lock:
            self.contacts.tick()
            result = handler(params)
            if not operation.startswith(("Get", "List", "Describe")):
                self.save()
        return result

    def advance(self, seconds: float) -> None:
        with self.lock:
            self.clock.advance(seconds)
            self.contacts.tick()
            self.save()

    def save(self) -> None:
        if self.state_file is None:
            return
        state = {"incidents": self.incidents.dump(), "contacts": self.contacts.dump()}
        temporary = self.state_file.with_suffix(".tmp")
        temporary.write_text(json.dumps(state, default=_encode))
        os.replace(temporary, self.state_file)

    def reset(self) -> None:
        """Forget everything, put the clock back to real time, and seed again."""
        with self.lock:
            self.clock.reset()
            self.contacts = ContactsBackend(self.clock)
            self.incidents = IncidentsBackend(self.clock, self.contacts)
            self.faults.clear()
            if self.seeder is not None:
                self.seeder(self)
            self.save()


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    raise TypeError(f"cannot persist {type(value).__name__}")


def _decode(value: dict[str, Any]) -> Any:
    if set(value) == {"$datetime"}:
        return datetime.fromisoformat(value["$datetime"])
    return value


def build_app(emulator: Emulator) -> web.Application:
    async def aws(request: web.Request) -> web.Response:
        target = request.headers.get("X-Amz-Target", "")
        body = await request.read()
        if target.startswith(TARGET_PREFIX):
            return await _contacts(emulator, target.removeprefix(TARGET_PREFIX), body)
        return await _incidents(emulator, request, body)

    async def clock(request: web.Request) -> web.Response:
        if request.method == "POST":
            seconds = float((await request.json()).get("seconds", 0))
            if seconds < 0:
                return web.json_response({"error": "the clock only moves forward"}, status=400)
            emulator.advance(seconds)
        return web.json_response(
            {
                "now": emulator.clock.now().isoformat(),
                "offset_seconds": emulator.clock.offset_seconds,
            }
        )

    async def outbox(_: web.Request) -> web.Response:
        with emulator.lock:
            emulator.contacts.tick()
            return web.json_response(emulator.contacts.outbox())

    async def reset(_: web.Request) -> web.Response:
        emulator.reset()
        return web.json_response({"ok": True})

    async def faults(request: web.Request) -> web.Response:
        if request.method == "POST":
            try:
                emulator.faults.add(await request.json())
            except (FaultError, ValueError) as error:
                return web.json_response({"error": str(error)}, status=400)
        elif request.method == "DELETE":
            emulator.faults.clear()
        return web.json_response({"faults": emulator.faults.listing()})

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    app = web.Application(client_max_size=8 * 1024 * 1024)
    app.router.add_get(f"{CONTROL}/health", health)
    app.router.add_route("*", f"{CONTROL}/clock", clock)
    app.router.add_post(f"{CONTROL}/clock/advance", clock)
    app.router.add_get(f"{CONTROL}/outbox", outbox)
    app.router.add_post(f"{CONTROL}/reset", reset)
    app.router.add_route("*", f"{CONTROL}/faults", faults)
    app.router.add_route("*", "/{tail:.*}", aws)
    return app


async def _run(emulator: Emulator, service: str, operation: str, params: dict[str, Any]) -> Any:
    fault = emulator.faults.take(service, operation, params)  # before validation, as IAM is
    if fault is not None:
        await asyncio.sleep(fault.delay_seconds)
        if (injected := fault.as_error()) is not None:
            return None, injected
    try:
        return emulator.call(service, operation, params), None
    except ServiceError as error:
        return None, error
    except Exception:  # a bug in the emulator must answer, not hang the client
        log.exception("%s %s failed", service, operation)
        return None, ServiceError(
            "InternalServerException", f"The emulator failed on {operation}; see its log.", 500
        )


async def _contacts(emulator: Emulator, operation: str, body: bytes) -> web.Response:
    model = service_model(CONTACTS)
    if operation not in model.operation_names:
        return json_error(reject_unknown_operation(CONTACTS, operation))
    try:
        params = json_input(body)
    except ServiceError as error:
        return json_error(error)
    result, error = await _run(emulator, CONTACTS, operation, params)
    if error is not None:
        return json_error(error)
    return json_answer(model.operation_model(operation), result)


async def _incidents(emulator: Emulator, request: web.Request, body: bytes) -> web.Response:
    errors = {shape.name: shape for shape in service_model(INCIDENTS).error_shapes}
    found = match_route(INCIDENTS, request.method, request.rel_url.raw_path)
    if found is None:
        error = reject_unknown_operation(INCIDENTS, f"{request.method} {request.path}")
        return rest_error(error, errors)
    operation, path_params = found
    try:
        params = rest_input(operation, path_params, request.query, body, request.headers)
    except ServiceError as error:
        return rest_error(error, errors)
    result, error = await _run(emulator, INCIDENTS, operation.name, params)
    if error is not None:
        return rest_error(error, errors)
    return rest_answer(operation, result)
