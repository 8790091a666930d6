"""The sandbox's virtual clock: moves with real time at `speed` (0 = only when told)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

DEFAULT_START = datetime(2026, 8, 1, 12, 0, tzinfo=UTC)


class SandboxClock:
    """Virtual time: `start` plus what tests advanced plus real elapsed time times `speed`."""

    def __init__(self, start: datetime = DEFAULT_START, *, speed: float = 0.0) -> None:
        if start.tzinfo is None:
            raise ValueError("the clock's start must be timezone-aware")
        self._start = start.astimezone(UTC)
        self._offset = timedelta(0)
        self.speed = speed
        self._real_start = time.monotonic()

    def now(self) -> datetime:
        """The current virtual time, timezone-aware UTC."""
        elapsed = (time.monotonic() - self._real_start) * self.speed if self.speed else 0.0
        return self._start + self._offset + timedelta(seconds=elapsed)

    def origin(self) -> datetime:
        """Virtual time without the real time that passed: deterministic for seeding."""
        return self._start + self._offset

    def advance(self, delta: timedelta) -> datetime:
        """Move virtual time forward by `delta`; returns the new time."""
        if delta < timedelta(0):
            raise ValueError("time only moves forward")
        self._offset += delta
        return self.now()

    async def sleep(self, seconds: float) -> None:
        """An async sleep that costs no real time: it advances the clock (for clients in tests)."""
        self.advance(timedelta(seconds=seconds))
