"""The order runs widget: runs, per-day counts and skip reasons charted (LG-4)."""

from __future__ import annotations

from skuport.widgets import OrderRunsWidget
from skuport.widgets.order_data import per_day, skip_reasons
from tests.widgets.order_widgets_support import loaded, ready_store


def test_lg4_charts_count_captured_skipped_and_cancelled_per_day_and_skip_reasons(
    operations, admin, seller, live_server
):
    # given one load (and its processing) on the sandbox's day
    store = ready_store(admin, seller)
    load = loaded(operations, store).load_progress.run
    # when
    widget = OrderRunsWidget(operations, store_id=store.id)
    # then the runs grid has the load, and the charts its counts on its day
    assert widget.store_id == store.id
    assert load["id"] in {r["id"] for r in widget.runs}
    assert {r["operation"] for r in widget.runs} <= {
        "orders_download", "orders_load", "orders_process", "orders_daily_processing"
    }  # fmt: skip
    day = load["startedAt"][:10]
    assert widget.days == [
        {
            "day": day,
            "captured": load["processed"],
            "skipped": load["skipped"],
            "cancelled": load["cancelled"],
        }
    ]
    captured, skipped, cancelled = widget.per_day_chart.data
    assert list(captured.x) == [day] and list(captured.y) == [load["processed"]]
    assert list(skipped.y) == [load["skipped"]] and list(cancelled.y) == [load["cancelled"]]
    assert widget.reasons == {"fba_not_processed": load["skipped"]}
    reasons = widget.reasons_chart.data[0]
    assert list(reasons.y) == ["fba_not_processed"] and list(reasons.x) == [load["skipped"]]
    assert f"{load['processed']} orders captured" in widget.status.value
    # and a selected run shows every order it skipped, with the reason
    widget.select([next(i for i, r in enumerate(widget.runs) if r["id"] == load["id"])])
    assert f"run {load['id']} (orders_load, succeeded)" in widget.run_details.value
    assert all(e["item"] in widget.run_details.value for e in load["errors"])


def test_lg4_per_day_adds_up_the_runs_of_each_day():
    runs = [
        {"startedAt": "2026-08-02T01:00:00+00:00", "processed": 2, "skipped": 1, "cancelled": 0,
         "errors": [{"item": "A", "reason": "unmapped_product: SKU X is not linked"}]},
        {"startedAt": "2026-08-01T23:00:00+00:00", "processed": 5, "skipped": 2, "cancelled": 1,
         "errors": [{"item": "B", "reason": "bad_data: no items"},
                    {"item": "C", "reason": "unmapped_product: SKU Y is not linked"}]},
        {"startedAt": "2026-08-02T09:00:00+00:00", "processed": 1, "skipped": 0, "cancelled": 3,
         "errors": []},
    ]  # fmt: skip
    assert per_day(runs) == [
        {"day": "2026-08-01", "captured": 5, "skipped": 2, "cancelled": 1},
        {"day": "2026-08-02", "captured": 3, "skipped": 1, "cancelled": 3},
    ]
    assert skip_reasons(runs) == {"unmapped_product": 2, "bad_data": 1}


def test_lg4_all_stores_shows_every_stores_runs(operations, admin, seller):
    store = ready_store(admin, seller)
    loaded(operations, store)
    widget = OrderRunsWidget(operations)
    assert widget.store_id == ""
    assert widget.runs and {r["target"] for r in widget.runs} == {store.id}
