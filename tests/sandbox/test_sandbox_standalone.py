"""Issue 11 — a standalone `skuport sandbox` keeps time with the real world (OR-5, BX-2)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import httpx

from skuport.sandbox.cli import parse_start, standalone_app


async def _clock(app) -> datetime:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox.test") as http:
        now = (await http.get("/_sandbox/clock")).json()["now"]
    return datetime.fromisoformat(now.replace("Z", "+00:00"))


async def test_the_standalone_sandbox_starts_at_the_real_current_time():
    """A server on the real clock reads the sandbox's new orders without moving any clock."""
    before = datetime.now(UTC).replace(microsecond=0)
    sandbox_now = await _clock(standalone_app(seed=1, size="tiny"))
    assert before <= sandbox_now <= datetime.now(UTC) + timedelta(seconds=1)


async def test_a_start_option_sets_another_start_and_the_data_follows_it():
    app = standalone_app(seed=1, size="tiny", start=parse_start("2026-08-01T12:00Z"))
    sandbox_now = await _clock(app)
    assert timedelta(0) <= sandbox_now - datetime(2026, 8, 1, 12, tzinfo=UTC) < timedelta(minutes=1)
    orders = app.state.sandbox.state.orders.values()
    assert max(o.created for o in orders) <= datetime(2026, 8, 1, 12, tzinfo=UTC)
    assert min(o.created for o in orders) >= datetime(2026, 7, 1, 12, tzinfo=UTC)


def test_the_start_option_needs_a_zone():
    assert parse_start("2026-08-01T14:00+02:00") == datetime(2026, 8, 1, 12, tzinfo=UTC)
    result = subprocess.run(
        [sys.executable, "-m", "skuport.server.cli", "sandbox", "--start", "2026-08-01T12:00"],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=120,
    )
    assert result.returncode == 2
    assert "--start" in result.stderr and "Traceback" not in result.stderr
