"""Injected misbehaviour: 429 storms, 5xx, slow answers, per operation and count."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Fault:
    """Make the next `count` calls of `operation` (None = any) fail as `kind`.

    kind: "429", "500", "503" or "slow" (answer after `delay` real seconds, also
    advancing the virtual clock by `delay`).
    """

    kind: str
    count: int = 1
    operation: str | None = None
    delay: float = 0.0


class Faults:
    """The queue of faults still to fire."""

    def __init__(self) -> None:
        self.pending: list[Fault] = []

    def add(self, fault: Fault) -> None:
        """Schedule a fault."""
        if fault.kind not in ("429", "500", "503", "slow"):
            raise ValueError(f"unknown fault kind {fault.kind!r}")
        self.pending.append(fault)

    def take(self, operation: str) -> Fault | None:
        """The fault that fires for this call, if any (consuming one of its count)."""
        for fault in self.pending:
            if fault.operation in (None, operation) and fault.count > 0:
                fault.count -= 1
                if fault.count == 0:
                    self.pending.remove(fault)
                return fault
        return None

    def clear(self) -> None:
        """Forget every pending fault."""
        self.pending.clear()
