"""Injected misbehaviour: 429 storms, 5xx, slow answers, per operation and count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass
class Fault:
    """Make the next `count` calls of `operation` (None = any) fail as `kind`.

    kind: "429", "500", "503" or "slow" (answer after `delay` real seconds, also
    advancing the virtual clock by `delay`). With `until` (a storm) every call fails until
    the virtual clock reaches it, whatever `count` says.
    """

    kind: str
    count: int = 1
    operation: str | None = None
    delay: float = 0.0
    until: datetime | None = None


class Faults:
    """The queue of faults still to fire."""

    def __init__(self) -> None:
        self.pending: list[Fault] = []

    def add(self, fault: Fault) -> None:
        """Schedule a fault."""
        if fault.kind not in ("429", "500", "503", "slow"):
            raise ValueError(f"unknown fault kind {fault.kind!r}")
        self.pending.append(fault)

    def take(self, operation: str, now: datetime | None = None) -> Fault | None:
        """The fault that fires for this call, if any (consuming one of its count)."""
        for fault in list(self.pending):
            if fault.until is not None:
                if now is not None and now >= fault.until:
                    self.pending.remove(fault)  # the storm is over
                elif fault.operation in (None, operation):
                    return fault
                continue
            if fault.operation in (None, operation) and fault.count > 0:
                fault.count -= 1
                if fault.count == 0:
                    self.pending.remove(fault)
                return fault
        return None

    def clear(self) -> None:
        """Forget every pending fault."""
        self.pending.clear()
