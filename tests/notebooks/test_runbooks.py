"""Every runbook runs top to bottom without edits against a live server."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def execute(name: str, env: dict[str, str]) -> nbformat.NotebookNode:
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute(env=env)
    return notebook


def outputs_text(notebook: nbformat.NotebookNode) -> str:
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts.append(str(output.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


@pytest.fixture
def kernel_env(live_server, tokens, monkeypatch) -> dict[str, str]:
    import os

    return {
        **os.environ,
        "SKUPORT_URL": live_server.graphql_url,
        "SKUPORT_TOKEN": tokens["operations"],
    }


def test_start_here_connects_and_shows_status_and_runs(kernel_env, live_server):
    notebook = execute("00_start_here.ipynb", kernel_env)
    text = outputs_text(notebook)
    assert f"Connected to {live_server.graphql_url}" in text
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []


def test_connect_store_runs_as_admin_with_a_store_connected_st3_st5(
    kernel_env, live_server, tokens
):
    """Runbook 01 (ST-3 … ST-7): connect, stores list and settings panels render, no errors."""
    from skuport.widgets import SkuportClient
    from skuport.widgets.stores import CONNECT_SANDBOX_STORE

    # given: one store already there, so the settings panel shows a store
    admin = SkuportClient(live_server.graphql_url, tokens["admin"])
    seller = next(iter(live_server.sandbox.state.sellers.values()))
    connected = admin.execute(CONNECT_SANDBOX_STORE, sellerId=seller.seller_id, name=None)
    assert connected["connectSandboxStore"]["__typename"] == "StoreSaved"
    # when
    notebook = execute("01_connect_store.ipynb", {**kernel_env, "SKUPORT_TOKEN": tokens["admin"]})
    # then
    assert f"Connected to {live_server.graphql_url}" in outputs_text(notebook)
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    views = [
        o
        for c in notebook.cells
        for o in c.get("outputs", [])
        if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    assert len(views) == 3
    shown = str(notebook.metadata.get("widgets", {}))
    assert seller.name in shown
    assert "Tax mapping incomplete" in shown  # ST-6: a new store's mapping is empty
    assert "1 store connected" in shown
    assert "may not do this" not in shown and "cannot reach" not in shown


def test_catalog_mapping_loads_and_shows_the_catalog_ca1_ca6_ca7(kernel_env, live_server, tokens):
    """Runbook 02 (CA-1, CA-6, CA-7): loads a connected store's catalog; four steps, no errors."""
    from skuport.widgets import SkuportClient
    from skuport.widgets.stores import CONNECT_SANDBOX_STORE

    # given: a store already connected, as in the demo
    admin = SkuportClient(live_server.graphql_url, tokens["admin"])
    seller = next(s for s in live_server.sandbox.state.sellers.values() if s.region == "NA")
    connected = admin.execute(CONNECT_SANDBOX_STORE, sellerId=seller.seller_id, name=None)
    assert connected["connectSandboxStore"]["__typename"] == "StoreSaved"
    # when: run as operations, whose job the mapping is
    notebook = execute("02_catalog_mapping.ipynb", kernel_env)
    # then
    text = outputs_text(notebook)
    assert f"Connected to {live_server.graphql_url}" in text
    assert "listings:" in text  # the finished download's message
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    views = [
        o
        for c in notebook.cells
        for o in c.get("outputs", [])
        if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    assert len(views) == 4
    shown = str(notebook.metadata.get("widgets", {}))
    assert seller.name in shown
    assert "Load products" in shown and "Show only active" in shown
    assert "variants)" in shown  # the grid shows the loaded catalog, families as one row
    assert "may not do this" not in shown and "cannot reach" not in shown


def widget_views(notebook: nbformat.NotebookNode) -> list[dict]:
    return [
        o
        for c in notebook.cells
        for o in c.get("outputs", [])
        if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]


def test_pending_orders_loads_a_range_and_shows_pending_and_attention_or1_pr1_bx3(
    kernel_env, live_server, tokens
):
    """Runbook 03 (OR-1, PR-1, BX-3): loads the default range of a ready store; no errors."""
    from skuport.widgets import SkuportClient
    from tests.widgets.order_widgets_support import ready_store

    # given a store whose settings let orders flow, waiting for the daily processing
    admin = SkuportClient(live_server.graphql_url, tokens["admin"])
    seller = next(s for s in live_server.sandbox.state.sellers.values() if s.region == "NA")
    ready_store(admin, seller, consolidation="DAILY")
    # when run as operations
    notebook = execute("03_pending_orders.ipynb", kernel_env)
    # then the load ran and its result is shown in three steps
    text = outputs_text(notebook)
    assert f"Connected to {live_server.graphql_url}" in text
    assert "captured," in text and "skipped" in text  # the finished load's message
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    assert len(widget_views(notebook)) == 3
    shown = str(notebook.metadata.get("widgets", {}))
    assert seller.name in shown
    assert "Load orders" in shown and "Process now" in shown and "Retry selected" in shown
    assert "pending orders" in shown and "orders need attention" in shown
    assert "may not do this" not in shown and "cannot reach" not in shown


def test_logs_and_operations_shows_the_log_notifications_and_charts_lg1_lg4(
    kernel_env, live_server, tokens
):
    """Runbook 04 (LG-1 … LG-4): log with sales, notifications, runs and two charts."""
    from skuport.widgets import PendingOrdersWidget, SkuportClient
    from tests.widgets.order_widgets_support import ready_store

    # given a store whose orders were loaded (NONE consolidation: each one a sale)
    admin = SkuportClient(live_server.graphql_url, tokens["admin"])
    seller = next(s for s in live_server.sandbox.state.sellers.values() if s.region == "NA")
    store = ready_store(admin, seller)
    loaded = PendingOrdersWidget(admin, store_id=store.id, max_pause=0.005).load_orders()
    assert loaded["status"] == "SUCCEEDED", loaded
    # when
    notebook = execute("04_logs_and_operations.ipynb", kernel_env)
    # then
    assert f"Connected to {live_server.graphql_url}" in outputs_text(notebook)
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    assert len(widget_views(notebook)) == 4
    shown = str(notebook.metadata.get("widgets", {}))
    assert f"{loaded['processed']} log entries" in shown
    assert "Delete log entry" in shown and "Reload order" in shown
    assert "unread notifications" in shown
    assert "Orders per day" in shown and "Skip reasons" in shown  # the plotly charts
    assert f"{loaded['processed']} orders captured" in shown
    assert "may not do this" not in shown and "cannot reach" not in shown


def test_back_office_shows_the_checklist_the_record_tabs_and_the_imports_in4(
    kernel_env, live_server, tokens
):
    """Runbook 00b (issue 18; IN-1, IN-3, IN-4, ST-6): checklist, back office, imports."""
    from skuport.widgets import SkuportClient
    from skuport.widgets.stores import CONNECT_SANDBOX_STORE

    # given: a connected store with nothing set up, and one tax rule in the back office
    admin = SkuportClient(live_server.graphql_url, tokens["admin"])
    seller = next(s for s in live_server.sandbox.state.sellers.values() if s.region == "NA")
    connected = admin.execute(CONNECT_SANDBOX_STORE, sellerId=seller.seller_id, name=None)
    assert connected["connectSandboxStore"]["__typename"] == "StoreSaved"
    rule = admin.execute(
        'mutation { createTaxRule(name: "NY sales tax", rate: "8.875") { __typename } }'
    )
    assert rule["createTaxRule"]["__typename"] == "TaxRuleSaved"
    # when run as admin, who sets the back office up
    notebook = execute("00b_back_office.ipynb", {**kernel_env, "SKUPORT_TOKEN": tokens["admin"]})
    # then
    assert f"Connected to {live_server.graphql_url}" in outputs_text(notebook)
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    assert len(widget_views(notebook)) == 3
    shown = str(notebook.metadata.get("widgets", {}))
    assert "still needs" in shown and "Open Tax rules" in shown  # the checklist
    assert "NY sales tax" in shown  # the tax rules tab's grid
    assert "Add tax rule" in shown and "Show archived" in shown
    assert "Stock take" in shown and "Check" in shown and "template (Excel)" in shown
    assert "may not do this" not in shown and "cannot reach" not in shown


@pytest.fixture
async def returns_seen(live_server, tokens, sessions) -> int:  # type: ignore[no-untyped-def]
    """The NA sandbox seller connected, with what a returns run leaves behind (BX-1)."""
    from skuport.widgets import SkuportClient
    from skuport.widgets.stores import CONNECT_SANDBOX_STORE
    from tests.schema.returns_support import seed_returns

    admin = SkuportClient(live_server.graphql_url, tokens["admin"])
    seller = next(s for s in live_server.sandbox.state.sellers.values() if s.region == "NA")
    connected = admin.execute(CONNECT_SANDBOX_STORE, sellerId=seller.seller_id, name=None)
    store_id = int(connected["connectSandboxStore"]["store"]["id"])
    async with sessions() as s, s.begin():
        await seed_returns(s, store_id, live_server.sandbox.state.clock.now())
    return store_id


def test_returns_runbook_shows_refunds_returns_chart_and_audit_bx1(
    kernel_env, live_server, returns_seen
):
    """Runbook 07 (BX-1): refunds, returns with the chart by reason, FBM receipt, the audit."""
    # when run as operations, for the store whose returns job has seen refunds and returns
    notebook = execute("07_returns.ipynb", kernel_env)
    # then four steps show, with the rows and the chart
    assert f"Connected to {live_server.graphql_url}" in outputs_text(notebook)
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    assert len(widget_views(notebook)) == 4
    shown = str(notebook.metadata.get("widgets", {}))
    assert "3 refunds (1 need attention), 4 returns, 1 waiting for confirmation" in shown
    assert "Returns by reason" in shown and "UNWANTED_ITEM" in shown
    assert "Retry refund" in shown and "Confirm received" in shown
    assert "1 refunds without a return" in shown
    assert "may not do this" not in shown and "cannot reach" not in shown
