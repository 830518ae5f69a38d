"""Requests in and answers out, per protocol: rest-json (ssm-incidents), JSON 1.1 (ssm-contacts)."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from botocore.model import OperationModel, Shape

from emulator.errors import ServiceError, validation

REST_JSON = "application/json"
JSON_11 = "application/x-amz-json-1.1"


def _scalar(shape: Shape, raw: str) -> Any:
    """A string from a URI, query or header, as the type its shape says."""
    if shape.type_name in ("integer", "long"):
        try:
            return int(raw)
        except ValueError:
            return raw
    if shape.type_name == "boolean":
        return raw.lower() == "true"
    return raw


def rest_input(
    operation: OperationModel, path: Mapping[str, str], query: Any, body: bytes, headers: Any
) -> dict[str, Any]:
    """The request's members, wherever the model says each one travels."""
    params = _json_body(body)
    shape = operation.input_shape
    if shape is None:
        return {}
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        wire_name = member.serialization.get("name", name)
        if location == "uri" and wire_name in path:
            params[name] = _scalar(member, path[wire_name])
        elif location == "querystring" and wire_name in query:
            if member.type_name == "list":
                params[name] = [_scalar(member.member, v) for v in query.getall(wire_name)]
            else:
                params[name] = _scalar(member, query[wire_name])
        elif location == "header" and wire_name in headers:
            params[name] = _scalar(member, headers[wire_name])
    return params


def json_input(body: bytes) -> dict[str, Any]:
    return _json_body(body)


def _json_body(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        parsed = json.loads(body)
    except ValueError:
        raise validation("The request body is not valid JSON.") from None
    if not isinstance(parsed, dict):
        raise validation("The request body must be a JSON object.")
    return parsed


def to_python(shape: Shape | None, value: Any) -> Any:
    """Validated wire values → Python: timestamps become aware datetimes, blobs bytes."""
    if shape is None or value is None:
        return value
    kind = shape.type_name
    if kind == "structure":
        return {k: to_python(shape.members.get(k), v) for k, v in value.items()}
    if kind == "list":
        return [to_python(shape.member, item) for item in value]
    if kind == "map":
        return {k: to_python(shape.value, v) for k, v in value.items()}
    if kind == "timestamp":
        if isinstance(value, int | float):
            return datetime.fromtimestamp(value, UTC)
        try:
            parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            raise validation(f"Value '{value}' is not a valid timestamp.") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if kind == "blob" and isinstance(value, str):
        return base64.b64decode(value)
    return value


def to_wire(shape: Shape | None, value: Any) -> Any:
    """Python answer → JSON per the output shape (unknown keys and None dropped)."""
    if shape is None or value is None:
        return None
    kind = shape.type_name
    if kind == "structure":
        out = {}
        for name, member in shape.members.items():
            if member.serialization.get("location"):
                continue
            item = to_wire(member, value.get(name))
            if item is not None:
                out[member.serialization.get("name", name)] = item
        return out
    if kind == "list":
        return [to_wire(shape.member, item) for item in value]
    if kind == "map":
        return {k: to_wire(shape.value, v) for k, v in value.items()}
    if kind == "timestamp" and isinstance(value, datetime):
        return value.timestamp()
    if kind == "blob" and isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def rest_answer(operation: OperationModel, result: dict[str, Any]) -> web.Response:
    status = operation.http.get("responseCode", 200)
    body = to_wire(operation.output_shape, result) if operation.output_shape else None
    if status == 204 or body is None:
        return web.Response(status=status)
    return web.json_response(body, status=status)


def json_answer(operation: OperationModel, result: dict[str, Any]) -> web.Response:
    body = to_wire(operation.output_shape, result) or {}
    return web.Response(status=200, text=json.dumps(body), content_type=JSON_11)


def rest_error(error: ServiceError, error_shapes: Mapping[str, Shape]) -> web.Response:
    shape = error_shapes.get(error.code)
    status = (
        shape.metadata.get("error", {}).get("httpStatusCode", error.status)
        if shape
        else error.status
    )
    body = {"message": error.message, **error.fields}
    return web.json_response(body, status=status, headers={"x-amzn-ErrorType": error.code})


def json_error(error: ServiceError) -> web.Response:
    status = error.status if error.status >= 500 else 400
    body = {"__type": error.code, "Message": error.message, **error.fields}
    return web.Response(status=status, text=json.dumps(body), content_type=JSON_11)
