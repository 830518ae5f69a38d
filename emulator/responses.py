"""The AWS side of the emulator's HTTP server (moto's ``responses``): an operation's request
read per its protocol (rest-json for ssm-incidents, JSON 1.1 for ssm-contacts), a fault a test
set applied, the operation run on the account and answered as AWS answers; and the
``/_emulator/`` controls."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import web

from emulator.account import Emulator
from emulator.errors import ServiceError
from emulator.faults import FaultError
from emulator.model import CONTACTS, INCIDENTS, match_route, service_model
from emulator.validation import reject_unknown_operation
from emulator.wire import json_answer, json_error, json_input, rest_answer, rest_error, rest_input

log = logging.getLogger("emulator")

TARGET_PREFIX = "SSMContacts."


class Responses:
    """Answers the two AWS services and the controls over one account."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    async def aws(self, request: web.Request) -> web.Response:
        """Both services on one port: ssm-contacts by its ``X-Amz-Target``, ssm-incidents by
        its route."""
        target = request.headers.get("X-Amz-Target", "")
        body = await request.read()
        if target.startswith(TARGET_PREFIX):
            return await _contacts(self.emulator, target.removeprefix(TARGET_PREFIX), body)
        return await _incidents(self.emulator, request, body)

    async def clock(self, request: web.Request) -> web.Response:
        emulator = self.emulator
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

    async def outbox(self, _: web.Request) -> web.Response:
        with self.emulator.lock:
            self.emulator.contacts.tick()
            return web.json_response(self.emulator.contacts.outbox())

    async def reset(self, _: web.Request) -> web.Response:
        self.emulator.reset()
        return web.json_response({"ok": True})

    async def faults(self, request: web.Request) -> web.Response:
        faults = self.emulator.faults
        if request.method == "POST":
            try:
                faults.add(await request.json())
            except (FaultError, ValueError) as error:
                return web.json_response({"error": str(error)}, status=400)
        elif request.method == "DELETE":
            faults.clear()
        return web.json_response({"faults": faults.listing()})

    async def health(self, _: web.Request) -> web.Response:
        return web.json_response({"ok": True})


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
