"""Opaque next-token pagination shared by every list operation."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any, TypeVar

from emulator.errors import validation

T = TypeVar("T")


def paginate(
    items: Sequence[T], token: str | None, max_results: int | None, default: int = 50
) -> tuple[list[T], str | None]:
    """One page of ``items`` and the token for the next, or ``None`` at the end."""
    start = 0
    if token:
        try:
            start = int(base64.urlsafe_b64decode(token.encode()).decode().removeprefix("offset:"))
        except ValueError:
            raise validation("The nextToken is not valid.") from None
    size = max_results or default
    end = start + size
    following = base64.urlsafe_b64encode(f"offset:{end}".encode()).decode()
    return list(items[start:end]), following if end < len(items) else None


def page_of(
    items: Sequence[Any],
    params: dict[str, Any],
    key: str,
    token: str = "nextToken",
    limit: str = "maxResults",
) -> dict[str, Any]:
    page, following = paginate(items, params.get(token), params.get(limit))
    return {key: page, token: following}


def contacts_page(found: Sequence[Any], params: dict[str, Any], key: str) -> dict[str, Any]:
    """One page of ``found`` under ``key``, with ssm-contacts' NextToken and MaxResults."""
    return page_of(found, params, key, "NextToken", "MaxResults")
