"""botocore's service models: the single source of operations, shapes and routes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import unquote

import botocore.session
from botocore.model import OperationModel, ServiceModel

INCIDENTS = "ssm-incidents"
CONTACTS = "ssm-contacts"


@cache
def service_model(name: str) -> ServiceModel:
    return botocore.session.get_session().get_service_model(name)


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    operation: OperationModel


@cache
def rest_routes(name: str) -> tuple[Route, ...]:
    """One route per operation, from its ``http.method`` and ``http.requestUri``."""
    model = service_model(name)
    routes = []
    for operation_name in model.operation_names:
        operation = model.operation_model(operation_name)
        path = operation.http["requestUri"].split("?")[0]
        regex = re.sub(
            r"\\\{(\w+)(\\\+)?\\\}",
            lambda m: f"(?P<{m.group(1)}>.+)" if m.group(2) else f"(?P<{m.group(1)}>[^/]+)",
            re.escape(path),
        )
        routes.append(Route(operation.http["method"], re.compile(f"^{regex}$"), operation))
    return tuple(routes)


def match_route(name: str, method: str, path: str) -> tuple[OperationModel, dict[str, str]] | None:
    for route in rest_routes(name):
        found = route.pattern.match(path)
        if found and route.method == method:
            return route.operation, {k: unquote(v) for k, v in found.groupdict().items()}
    return None
