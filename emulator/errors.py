"""Errors the emulator answers with, named and coded as AWS documents them."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


class ServiceError(Exception):
    """An AWS error: its type name (e.g. ``ResourceNotFoundException``), message and HTTP status."""

    def __init__(self, code: str, message: str, status: int = 400, **fields: object) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.fields = fields


def validation(message: str) -> ServiceError:
    return ServiceError("ValidationException", message, 400)


def not_found(message: str, **fields: object) -> ServiceError:
    return ServiceError("ResourceNotFoundException", message, 404, **fields)


def conflict(message: str, **fields: object) -> ServiceError:
    return ServiceError("ConflictException", message, 409, **fields)


def not_implemented(operation: str) -> ServiceError:
    return ServiceError(
        "NotImplementedException",
        f"The Incident Manager emulator does not implement {operation}.",
        501,
    )


def contact_not_found(kind: str, ident: str) -> ServiceError:
    """ssm-contacts' not-found answer (HTTP 400, unlike ssm-incidents' 404)."""
    return ServiceError(
        "ResourceNotFoundException",
        f"{kind} {ident} was not found.",
        400,
        ResourceId=ident,
        ResourceType=kind.upper().replace(" ", "_"),
    )


def contact_resource(table: dict[str, T], kind: str, ident: str) -> T:
    """The ssm-contacts ``kind`` ``ident`` held in ``table``, or its not-found answer."""
    if ident not in table:
        raise contact_not_found(kind, ident)
    return table[ident]


def incident_resource(table: dict[str, T], kind: str, ident: str) -> T:
    """The ssm-incidents ``kind`` ``ident`` held in ``table``, or its not-found answer."""
    if ident not in table:
        raise not_found(
            f"{kind} {ident} not found.",
            resourceIdentifier=ident,
            resourceType=kind.upper().replace(" ", "_"),
        )
    return table[ident]
