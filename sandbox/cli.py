"""`skuport sandbox`: serve the sandbox Amazon with uvicorn."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import uvicorn
from starlette.applications import Starlette

from skuport.sandbox.app import create_sandbox_app
from skuport.sandbox.clock import SandboxClock

__all__ = ["create_sandbox_app", "parse_start", "run_sandbox", "standalone_app"]


def parse_start(value: str) -> datetime:
    """`--start`: an ISO 8601 time with a zone (`2026-08-01T12:00Z`), as UTC."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("the start time needs a zone, e.g. 2026-08-01T12:00Z")
    return moment.astimezone(UTC)


def standalone_app(
    *,
    seed: int = 1,
    size: str = "demo",
    start: datetime | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Starlette:
    """A sandbox whose clock starts at `start` (default: the real current time) and then runs
    at real speed, so a server using the real clock reads its new orders without moving clocks.
    Seeded data is laid out relative to that start (orders of the last 30 days before it)."""
    clock = SandboxClock(start or now().replace(microsecond=0), speed=1.0)
    return create_sandbox_app(seed=seed, size=size, clock=clock)


def run_sandbox(
    *,
    host: str = "127.0.0.1",
    port: int = 8100,
    seed: int = 1,
    size: str = "demo",
    start: datetime | None = None,
) -> None:
    """Serve a sandbox seeded with `seed`; its clock starts at `start` (default: now, real
    time) and runs at real speed plus any advance made through the control API."""
    uvicorn.run(
        standalone_app(seed=seed, size=size, start=start), host=host, port=port, log_level="info"
    )
