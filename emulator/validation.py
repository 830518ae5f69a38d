"""Checks a request against its botocore input shape: the constraints AWS enforces."""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from typing import Any

from botocore.model import Shape

from emulator.errors import ServiceError, validation


@cache
def _pattern(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:
        return None


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check(shape: Shape, value: Any, path: str, problems: list[str]) -> None:
    def fail(constraint: str) -> None:
        shown = value if not isinstance(value, dict | list) else type(value).__name__
        problems.append(f"Value '{shown}' at '{path}' failed to satisfy constraint: {constraint}")

    kind = shape.type_name
    meta = shape.metadata
    if kind == "structure":
        if not isinstance(value, dict):
            return fail("Member must be a structure")
        for required in meta.get("required", []):
            if value.get(required) is None:
                problems.append(
                    f"Value null at '{_join(path, required)}' failed to satisfy "
                    "constraint: Member must not be null"
                )
        set_members = [name for name in value if name in shape.members and value[name] is not None]
        if meta.get("union") and len(set_members) != 1:
            fail("Member must have exactly one of its members set")
        for name in set_members:
            _check(shape.members[name], value[name], _join(path, name), problems)
        return
    if kind == "list":
        if not isinstance(value, list):
            return fail("Member must be a list")
        _size(meta, len(value), fail, "length")
        for index, item in enumerate(value):
            _check(shape.member, item, f"{path}.{index + 1}.member", problems)
        return
    if kind == "map":
        if not isinstance(value, dict):
            return fail("Member must be a map")
        _size(meta, len(value), fail, "length")
        for key, item in value.items():
            _check(shape.key, key, f"{path}.key", problems)
            _check(shape.value, item, f"{path}.{key}", problems)
        return
    if kind == "string":
        if not isinstance(value, str):
            return fail("Member must be a string")
        if shape.enum and value not in shape.enum:
            fail(f"Member must satisfy enum value set: [{', '.join(shape.enum)}]")
        _size(meta, len(value), fail, "length")
        compiled = _pattern(meta["pattern"]) if "pattern" in meta else None
        if compiled is not None and not compiled.search(value):
            fail(f"Member must satisfy regular expression pattern: {meta['pattern']}")
        return
    if kind in ("integer", "long", "double", "float"):
        if not _number(value) or (kind in ("integer", "long") and not float(value).is_integer()):
            return fail(f"Member must be a{'n' if kind == 'integer' else ''} {kind}")
        if "min" in meta and value < meta["min"]:
            fail(f"Member must have value greater than or equal to {meta['min']}")
        if "max" in meta and value > meta["max"]:
            fail(f"Member must have value less than or equal to {meta['max']}")
        return
    if kind == "boolean" and not isinstance(value, bool):
        fail("Member must be a boolean")
    if kind == "timestamp" and not (_number(value) or isinstance(value, str | datetime)):
        fail("Member must be a timestamp")


def _size(meta: dict[str, Any], size: int, fail: Any, what: str) -> None:
    if "min" in meta and size < meta["min"]:
        fail(f"Member must have {what} greater than or equal to {meta['min']}")
    if "max" in meta and size > meta["max"]:
        fail(f"Member must have {what} less than or equal to {meta['max']}")


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def validate(shape: Shape | None, params: dict[str, Any]) -> None:
    """Raise ValidationException naming every violation, the way AWS words it."""
    if shape is None:
        return
    problems: list[str] = []
    _check(shape, params, "", problems)
    if problems:
        count = len(problems)
        raise validation(
            f"{count} validation error{'s' if count > 1 else ''} detected: " + "; ".join(problems)
        )


def reject_unknown_operation(service: str, operation: str) -> ServiceError:
    return ServiceError(
        "UnknownOperationException", f"{service} has no operation {operation!r}.", 404
    )
