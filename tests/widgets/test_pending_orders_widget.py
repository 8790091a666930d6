"""The pending orders widget: loading, processing now, the attention queue (OR-1, PR-1, BX-3)."""

from __future__ import annotations

from datetime import date, timedelta

from skuport.widgets import OrderLogWidget
from skuport.widgets.order_base import expected_total
from skuport.widgets.order_data import load_window
from tests.widgets.order_widgets_support import (
    SETTINGS,
    loaded,
    paid,
    pending_of,
    ready_store,
    sandbox_today,
)


def test_or1_load_orders_follows_the_run_and_shows_the_pending_orders(
    operations, admin, seller, live_server
):
    # given a DAILY store, so captured orders wait as pending orders
    store = ready_store(admin, seller, consolidation="DAILY")
    widget = pending_of(operations, store)
    connected = date.fromisoformat(
        widget.store["connectedAt"][:10]
    )  # no run yet: the server's date
    assert widget.from_picker.value == connected - timedelta(days=30)
    assert widget.to_picker.value is None and widget.pending == []
    # when
    widget.load_button.click()
    # then the run is followed to its end and the grid shows what it captured
    run = widget.load_progress.run
    assert widget.error == "", widget.error
    assert run["operation"] == "orders_load" and run["status"] == "SUCCEEDED"
    done = run["processed"] + run["skipped"] + run["cancelled"]
    assert widget.load_progress.bar.value == widget.load_progress.bar.max == done
    assert widget.load_progress.bar.bar_style == "success"
    assert f"done: {run['processed']} orders" in widget.load_progress.label.value
    assert "fba_not_processed" in widget.load_progress.report.value  # OR-7 default, with why
    assert {p["amazonOrderId"] for p in widget.pending} == paid(live_server, seller)
    assert widget.pending_count == len(widget.pending) == run["processed"]
    assert len(widget.pending_table.df) == len(widget.pending)
    assert f"{len(widget.pending)} pending orders" in widget.pending_status.value
    # and a selected pending order shows its lines and charges (OR-4)
    widget.select_pending([0])
    order = widget.pending[0]
    assert order["amazonOrderId"] in widget.pending_view.value
    assert all(line["title"] in widget.pending_view.value for line in order["lines"])
    assert "shipping" in widget.pending_view.value


def test_or1_a_range_with_an_end_day_is_sent_as_whole_utc_days(operations, admin, seller):
    store = ready_store(admin, seller, consolidation="DAILY")
    widget = pending_of(operations, store)
    start = widget.from_picker.value
    run = widget.load_orders(start, start + timedelta(days=1), wait=False)
    assert run["id"]
    followed = widget.load_progress.follow(max_polls=5000)
    assert followed["status"] == "SUCCEEDED", followed
    assert widget.error == ""


def test_or1_a_store_with_an_incomplete_tax_mapping_is_flagged_when_picked(
    operations, admin, seller
):
    store = ready_store(admin, seller, mapped=False)
    widget = pending_of(operations, store)
    assert "tax mapping incomplete" in widget.error
    assert "runbook 01" in widget.status.value


def test_or1_a_load_amazon_keeps_refusing_ends_red_with_the_reason(
    operations, admin, seller, live_server
):
    from skuport.sandbox.faults import Fault

    # given Amazon throttling every order search past all retries
    store = ready_store(admin, seller, consolidation="DAILY")
    widget = pending_of(operations, store)
    live_server.sandbox.faults.add(Fault(kind="429", count=200, operation="searchOrders"))
    try:
        # when a short range (read order by order) is loaded
        start = sandbox_today(live_server) - timedelta(days=1)
        run = widget.load_orders(start)
    finally:
        live_server.sandbox.faults.clear()
    # then the bar is red and the reason is shown, no traceback
    assert run["status"] == "FAILED", run
    assert widget.load_progress.bar.bar_style == "danger"
    assert "failed:" in widget.load_progress.label.value
    assert widget.error and "⚠" in widget.status.value
    assert "Traceback" not in widget.status.value


def test_pr1_process_now_turns_the_pending_orders_into_sales(operations, admin, seller):
    # given
    store = ready_store(admin, seller, consolidation="DAILY")
    widget = loaded(operations, store)
    waiting = len(widget.pending)
    assert waiting > 0
    # when
    widget.process_button.click()
    # then
    run = widget.process_progress.run
    assert run["operation"] == "orders_process" and run["status"] == "SUCCEEDED", run
    assert run["processed"] == waiting
    assert widget.pending == [] and widget.pending_count == 0
    assert "pending orders processed" in widget.pending_status.value
    log = OrderLogWidget(operations, store_id=store.id)
    assert {row["state"] for row in log.rows} == {"PROCESSED"}


def test_bx3_skipped_orders_are_queued_with_their_reason_and_retried_once_fixed(
    operations, admin, seller, live_server
):
    # given a store whose tax mapping is incomplete: every order is skipped and queued
    store = ready_store(admin, seller, mapped=False, consolidation="DAILY")
    widget = loaded(operations, store)
    assert widget.pending == []
    # (the mapping is checked first, so FBA orders are queued too)
    assert {i["amazonOrderId"] for i in widget.attention} == paid(live_server, seller, fba=None)
    assert {i["reason"] for i in widget.attention} == {"tax_mapping_incomplete"}
    assert all(i["stage"] == "capture" and i["detail"] for i in widget.attention)
    assert "tax_mapping_incomplete" in widget.attention_table.df["Reason"].tolist()
    assert "Retry" in widget.attention_status.value
    # when the mapping is fixed and the first two are retried
    fixed = {
        "lineTaxRuleId": store.sales_rule_id,
        "chargeTaxRuleId": store.sales_rule_id,
        "taxFreeRuleId": store.free_rule_id,
    }
    changed = admin.execute(SETTINGS, storeId=store.id, settings=fixed)
    assert changed["updateStoreSettings"]["__typename"] == "StoreSaved"
    fbm = paid(live_server, seller)
    positions = [i for i, item in enumerate(widget.attention) if item["amazonOrderId"] in fbm]
    first_two = [widget.attention[i]["amazonOrderId"] for i in positions[:2]]
    queued = len(widget.attention)
    widget.select(positions[:2])
    widget.retry_button.click()
    # then they are captured and leave the queue; the others wait
    assert [o["order"] for o in widget.retried] == first_two
    assert all(o["outcome"] == "captured" for o in widget.retried), widget.retried
    assert not any(o["stillNeedsAttention"] for o in widget.retried)
    assert {p["amazonOrderId"] for p in widget.pending} == set(first_two)
    assert len(widget.attention) == queued - 2
    assert "retried 2: 2 left the queue" in widget.attention_status.value


def test_bx3_retry_without_a_selection_says_what_to_do(operations, admin, seller):
    widget = pending_of(operations, ready_store(admin, seller))
    assert widget.retry() == []
    assert "select one or more orders" in widget.error


def test_or1_the_date_range_is_whole_utc_days_and_progress_reads_the_run_message():
    assert load_window(date(2026, 7, 1), None) == {"from": "2026-07-01T00:00:00+00:00", "to": None}
    assert load_window(date(2026, 7, 1), date(2026, 7, 3))["to"] == "2026-07-04T00:00:00+00:00"
    assert expected_total("40 orders from report") == 40
    assert expected_total("100 of 240 orders applied") == 240
    assert expected_total("waiting for Amazon") is None
