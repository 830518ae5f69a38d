"""The six-digit codes AWS sends: a channel's activation code, a page's accept code."""

from __future__ import annotations

import secrets


def code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"
