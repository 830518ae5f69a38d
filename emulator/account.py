"""One AWS account's Incident Manager as the emulator holds it: both services' backends, one
lock, one clock, and optional persistence to a JSON file."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from emulator.clock import Clock
from emulator.contacts import ContactsBackend
from emulator.errors import not_implemented
from emulator.faults import Faults
from emulator.incidents import IncidentsBackend
from emulator.model import INCIDENTS, service_model
from emulator.validation import validate
from emulator.wire import to_python


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
