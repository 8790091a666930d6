"""Live run progress for every runbook: the `runUpdates` subscription, polling as the fallback.

`watch_run` follows one run over gql's websockets transport. ipykernel's event loop is busy
running the cell that waits for the run, so the subscription runs on an event loop of its own
in a worker thread, and hands each update to `show` there (ipywidgets send trait changes from
any thread). The caller waits for the thread; when the server refuses the subscription or the
connection drops before the run has finished, `watch_run` says so and the caller polls instead.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Any

from skuport.widgets.client import SkuportClient, SkuportError

log = logging.getLogger(__name__)

RUN_UPDATES = """
subscription FollowRun($runId: ID!) {
  runUpdates(runId: $runId) {
    runId operation status processed skipped cancelled expected message
  }
}
"""
FINISHED = ("SUCCEEDED", "FAILED")

Show = Callable[[dict[str, Any]], None]


def watch_run(client: SkuportClient, run_id: str, show: Show, *, timeout: float = 600.0) -> bool:
    """Follow the run live until it finishes: True when its end was seen, False otherwise.

    `show` gets every update (the run's counts, `expected` and message). False means the
    subscription was refused, dropped, or outlived `timeout` seconds: poll the run instead.
    """
    outcome: dict[str, bool] = {"finished": False}

    def work() -> None:
        try:
            outcome["finished"] = asyncio.run(_follow(client, run_id, show, timeout))
        except (SkuportError, TimeoutError) as exc:
            log.info("live progress of run %s unavailable, polling instead: %s", run_id, exc)
        except Exception:
            log.exception("live progress of run %s failed, polling instead", run_id)

    thread = threading.Thread(target=work, name=f"skuport-run-{run_id}", daemon=True)
    thread.start()
    thread.join()
    return outcome["finished"]


async def _follow(client: SkuportClient, run_id: str, show: Show, within: float) -> bool:
    async with asyncio.timeout(within):
        async for result in client.subscribe(RUN_UPDATES, runId=run_id):
            update = result["runUpdates"]
            show(update)
            if update["status"] in FINISHED:
                return True
    return False  # the stream ended before the run did (e.g. no such run)


def bar_range(run: dict[str, Any], guess: int | None = None) -> tuple[int, int]:
    """The progress bar's (value, max): determinate when the run knows its expected total."""
    done = run.get("processed", 0) + run.get("skipped", 0) + run.get("cancelled", 0)
    total = run.get("expected") or guess or 0
    return done, max(total, done, 1)
