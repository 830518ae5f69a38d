"""Which operations of the two models the emulator implements: the table in docs/emulator.md."""

from __future__ import annotations

from emulator.contacts import ContactsBackend
from emulator.incidents import IncidentsBackend
from emulator.model import CONTACTS, INCIDENTS, service_model

BACKENDS = {INCIDENTS: IncidentsBackend, CONTACTS: ContactsBackend}


def operations_table() -> str:
    """A Markdown table: service, operation, implemented yes/no."""
    rows = ["| service | operation | implemented |", "| --- | --- | --- |"]
    for service, backend in BACKENDS.items():
        for operation in service_model(service).operation_names:
            done = "yes" if hasattr(backend, operation) else "no (answers NotImplemented)"
            rows.append(f"| {service} | {operation} | {done} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(operations_table())
