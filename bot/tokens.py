"""Client tokens derived from Slack's own ids, so a redelivered request writes once."""

from __future__ import annotations

import hashlib

TOKEN_LENGTH = 64  # AWS clientToken / IdempotencyToken maximum


def client_token(*parts: str) -> str:
    return hashlib.sha256(":".join(parts).encode()).hexdigest()[:TOKEN_LENGTH]
