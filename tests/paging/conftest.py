"""Paging's clock (a plan minute is 0.1 s) and the Slack users of the seeded contacts."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import Stack


@pytest.fixture
def bot_settings() -> dict[str, Any]:
    # a plan minute lasts 0.1 s: stage 1 (5 min) 0.5 s, stage 2 (10 min) 1 s
    return {
        "default_response_plan": "critical-service",
        "time_scale": 0.1,
        "mirror_interval_seconds": 0.3,
    }


@pytest.fixture
def team(stack: Stack) -> dict[str, str]:
    """Slack users whose emails match the seeded contacts' EMAIL channels."""
    return {
        name: stack.slack.add_user(name, email=f"{name}@example.com")
        for name in ("alice", "bob", "carol")
    }
