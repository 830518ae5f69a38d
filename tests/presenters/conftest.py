"""The presenters' tests use paging's world (its fakes), with Slack recorded."""

from __future__ import annotations

from tests.escalation.conftest import paging_settings, world

__all__ = ["paging_settings", "world"]
