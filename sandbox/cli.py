"""`skuport sandbox`: serve the sandbox Amazon with uvicorn."""

from __future__ import annotations

import uvicorn

from skuport.sandbox.app import create_sandbox_app
from skuport.sandbox.clock import SandboxClock

__all__ = ["create_sandbox_app", "run_sandbox"]


def run_sandbox(
    *, host: str = "127.0.0.1", port: int = 8100, seed: int = 1, size: str = "demo"
) -> None:
    """Serve a sandbox seeded with `seed`; its clock runs at real speed plus any advance."""
    app = create_sandbox_app(seed=seed, size=size, clock=SandboxClock(speed=1.0))
    uvicorn.run(app, host=host, port=port, log_level="info")
