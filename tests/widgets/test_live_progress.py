"""Progress bars move live from the runUpdates subscription, polling only as the fallback (BX-4)."""

from __future__ import annotations

from typing import Any

from skuport.sandbox.faults import Fault
from skuport.widgets import SkuportClient
from skuport.widgets.order_data import RUN
from tests.widgets.order_widgets_support import pending_of, ready_store


def count_run_reads(client: SkuportClient) -> list[str]:
    """Record each time the widget reads the run over HTTP (a poll)."""
    reads: list[str] = []
    execute = client.execute

    def counting(query: str, **variables: Any) -> dict[str, Any]:
        if query == RUN:
            reads.append(variables["id"])
        return execute(query, **variables)

    client.execute = counting  # type: ignore[method-assign]
    return reads


def load_slowly(live_server, widget) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Load the default thirty days (Amazon's orders report) while Amazon is slow to start."""
    live_server.sandbox.faults.add(Fault(kind="slow", count=1, operation="createReport", delay=0.4))
    try:
        return widget.load_orders()
    finally:
        live_server.sandbox.faults.clear()


def test_bx4_the_load_bar_moves_live_towards_the_runs_expected_total(
    live_server, operations, admin, seller
):
    # given a store and the pending-orders widget, watching its bar
    store = ready_store(admin, seller)
    widget = pending_of(operations, store)
    reads = count_run_reads(widget.client)
    bars: list[tuple[int, int]] = []
    bar = widget.load_progress.bar
    bar.observe(lambda _change: bars.append((bar.value, bar.max)), names=["value", "max"])
    # when a month of orders is loaded while Amazon takes its time
    run = load_slowly(live_server, widget)
    # then the bar showed the report's orders as its end while it moved, without polling
    assert run["status"] == "SUCCEEDED", run
    assert run["expected"] and run["expected"] > 1
    assert (0, run["expected"]) in bars, bars
    assert reads == [run["id"]]  # only the finished run's report is read
    assert bar.bar_style == "success"


def test_bx4_without_live_updates_the_bar_still_follows_the_run_by_polling(
    live_server, operations, admin, seller, tokens
):
    # given a server whose live updates cannot be reached (the WebSocket is refused)
    store = ready_store(admin, seller)
    client = SkuportClient(
        live_server.graphql_url, tokens["operations"], ws_url="ws://127.0.0.1:9/graphql"
    )
    widget = pending_of(client, store)
    reads = count_run_reads(widget.client)
    # when orders are loaded
    run = load_slowly(live_server, widget)
    # then the run is followed to its end by polling, and the bar says it succeeded
    assert run["status"] == "SUCCEEDED", run
    assert len(reads) > 1
    assert widget.load_progress.bar.bar_style == "success"
    assert widget.error == ""
