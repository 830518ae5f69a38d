"""The emulator's clock: real time by default, movable forward by tests and operators."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class Clock:
    """Wall-clock time plus an offset that only grows (until a reset)."""

    def __init__(self) -> None:
        self._offset = timedelta()
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return datetime.now(UTC) + self._offset

    def advance(self, seconds: float) -> datetime:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += timedelta(seconds=seconds)
        return self.now()

    def reset(self) -> None:
        """Back to real time (``/_emulator/reset``)."""
        with self._lock:
            self._offset = timedelta()

    @property
    def offset_seconds(self) -> float:
        return self._offset.total_seconds()
