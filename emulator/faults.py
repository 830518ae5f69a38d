"""Faults an operator asks for: an operation answers late, or with one of its documented errors.

So a team can see what its automation does when AWS is slow, throttles, denies an IAM action or
fails, without waiting for AWS to do it. Only errors botocore's model lists for the operation
can be injected, answered with the model's HTTP status and required members.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from typing import Any

from emulator.errors import ServiceError
from emulator.model import CONTACTS, INCIDENTS, service_model

SERVICES = (INCIDENTS, CONTACTS)
MAX_DELAY_SECONDS = 60


class FaultError(ValueError):
    """A fault request that cannot be honoured; the message says what to send instead."""


@dataclass
class Fault:
    service: str
    operation: str
    error: str | None  # None: the operation answers as usual, after the delay
    message: str
    times: int | None  # answers left; None: until cleared
    delay_seconds: float = 0.0
    when: dict[str, Any] = field(default_factory=dict)  # request members the call must have

    def meets(self, service: str, operation: str, params: dict[str, Any]) -> bool:
        return (self.service, self.operation) == (service, operation) and all(
            params.get(name) == value for name, value in self.when.items()
        )

    def as_error(self) -> ServiceError | None:
        if self.error is None:
            return None
        shape = service_model(self.service).shape_for(self.error)
        status = shape.metadata.get("error", {}).get("httpStatusCode")
        if status is None:
            status = 500 if self.error.startswith("InternalServer") else 400
        fields = {
            name: f"emulator-fault-{name}"
            for name in shape.required_members
            if name.lower() != "message"
        }
        return ServiceError(self.error, self.message, status, **fields)


class Faults:
    """The faults waiting to be answered, first added first used."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, request: Any) -> Fault:
        if not isinstance(request, dict):
            raise FaultError(
                'send an object: {"operation": …, "error": … and/or "delay_seconds": …, "times": n}'
            )
        operation = str(request.get("operation", ""))
        wanted = request.get("service")
        services = [
            s
            for s in SERVICES
            if operation in service_model(s).operation_names and wanted in (None, s)
        ]
        if not services:
            where = wanted or " or ".join(SERVICES)
            raise FaultError(f"{operation!r} is not an operation of {where}")
        if len(services) > 1:
            raise FaultError(f'{operation} is in both services: add "service": one of {services}')
        service = services[0]
        documented = [
            e.name for e in service_model(service).operation_model(operation).error_shapes
        ]
        delay = request.get("delay_seconds", 0)
        if not isinstance(delay, int | float) or not 0 <= delay <= MAX_DELAY_SECONDS:
            raise FaultError(f'"delay_seconds" must be a number from 0 to {MAX_DELAY_SECONDS}')
        error = request.get("error")
        if error is None and not delay:
            raise FaultError('give "error" (one the operation documents), "delay_seconds", or both')
        if error is not None and error not in documented:
            raise FaultError(f"{operation} documents these errors only: {', '.join(documented)}")
        times = request.get("times")
        if times is not None and (not isinstance(times, int) or times < 1):
            raise FaultError('"times" must be a whole number of answers, 1 or more')
        when = request.get("when") or {}
        if not isinstance(when, dict):
            raise FaultError('"when" must be an object of request members, e.g. {"ContactId": …}')
        message = str(request.get("message") or f"{error or 'Delay'} injected by the emulator")
        fault = Fault(service, operation, error, message, times, float(delay), when)
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, service: str, operation: str, params: dict[str, Any]) -> Fault | None:
        """The fault this call meets, if one is waiting for it."""
        with self._lock:
            for fault in self._faults:
                if not fault.meets(service, operation, params):
                    continue
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times == 0:
                        self._faults.remove(fault)
                return fault
        return None

    def listing(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(fault) for fault in self._faults]

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
