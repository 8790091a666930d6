"""The order runbooks' widgets, driven as an analyst would (OR-1, PR-1, BX-3, LG-1 … LG-4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from skuport.widgets import (
    NotificationsWidget,
    OrderLogWidget,
    OrderRunsWidget,
    PendingOrdersWidget,
    SkuportClient,
)
from skuport.widgets.order_base import expected_total
from skuport.widgets.order_data import load_window, per_day, skip_reasons
from skuport.widgets.stores import CONNECT_SANDBOX_STORE

SETTINGS = """
mutation($storeId: ID!, $settings: StoreSettingsInput!) {
  updateStoreSettings(storeId: $storeId, settings: $settings) {
    __typename ... on UserError { message field }
  }
}
"""
REFERENCES = """
mutation($suffix: String!, $code: String!) {
  location: createLocation(name: $suffix) { ... on LocationSaved { location { id } } }
  sales: createTaxRule(name: $suffix, rate: "8.25") { ... on TaxRuleSaved { taxRule { id } } }
  free: createTaxRule(name: $code, rate: "0", taxFree: true) {
    ... on TaxRuleSaved { taxRule { id } }
  }
  customer: createCustomer(input: {name: $suffix}) { ... on CustomerSaved { customer { id } } }
  bank: createAccount(code: $code, name: $suffix, kind: BANK) {
    ... on AccountSaved { account { id } }
  }
}
"""
EU_COUNTRIES = ("GB", "DE", "FR", "IT", "ES")


@dataclass
class ReadyStore:
    """A connected sandbox store whose settings let orders flow (ST-6 satisfied)."""

    id: str
    seller_id: str
    location_id: str
    sales_rule_id: str
    free_rule_id: str
    customer_id: str
    bank_id: str


def ready_store(admin: SkuportClient, seller, *, mapped: bool = True, **settings) -> ReadyStore:  # type: ignore[no-untyped-def]
    """Connect the seller as a store, make its reference data and complete its settings."""
    connected = admin.execute(CONNECT_SANDBOX_STORE, sellerId=seller.seller_id, name=seller.name)
    assert connected["connectSandboxStore"]["__typename"] == "StoreSaved", connected
    store_id = connected["connectSandboxStore"]["store"]["id"]
    made = admin.execute(REFERENCES, suffix=f"Orders {seller.region}", code=f"13{seller.region}")
    store = ReadyStore(
        id=store_id,
        seller_id=seller.seller_id,
        location_id=made["location"]["location"]["id"],
        sales_rule_id=made["sales"]["taxRule"]["id"],
        free_rule_id=made["free"]["taxRule"]["id"],
        customer_id=made["customer"]["customer"]["id"],
        bank_id=made["bank"]["account"]["id"],
    )
    values: dict = {"fbmLocationId": store.location_id, "customerId": store.customer_id}
    if mapped:
        values |= {
            "lineTaxRuleId": store.sales_rule_id,
            "chargeTaxRuleId": store.sales_rule_id,
            "taxFreeRuleId": store.free_rule_id,
        }
        if seller.region == "EU":
            values["countryTaxRules"] = [
                {"countryCode": c, "taxRuleId": store.sales_rule_id} for c in EU_COUNTRIES
            ]
    changed = admin.execute(SETTINGS, storeId=store_id, settings=values | settings)
    assert changed["updateStoreSettings"]["__typename"] == "StoreSaved", changed
    return store


@pytest.fixture
def admin(live_server, tokens) -> SkuportClient:
    return SkuportClient(live_server.graphql_url, tokens["admin"])


@pytest.fixture
def operations(live_server, tokens) -> SkuportClient:
    return SkuportClient(live_server.graphql_url, tokens["operations"])


@pytest.fixture
def readonly(live_server, tokens) -> SkuportClient:
    return SkuportClient(live_server.graphql_url, tokens["readonly"])


@pytest.fixture
def seller(live_server):  # type: ignore[no-untyped-def]
    """The sandbox Amazon's North American seller (US, CA, MX)."""
    return next(s for s in live_server.sandbox.state.sellers.values() if s.region == "NA")


def sandbox_today(live_server) -> date:  # type: ignore[no-untyped-def]
    return live_server.sandbox.state.clock.now().date()


def paid(live_server, seller, *, fba: bool | None = False) -> set[str]:  # type: ignore[no-untyped-def]
    """The seller's orders a PAID store captures (OR-2): FBM only by default (OR-7's default)."""
    return {
        o.order_id
        for o in live_server.sandbox.state.seller_orders(seller.seller_id)
        if o.status in ("UNSHIPPED", "PARTIALLY_SHIPPED", "SHIPPED")
        and (fba is None or (o.fulfilled_by == "AMAZON") == fba)
    }


def pending_of(client: SkuportClient, store: ReadyStore, **options) -> PendingOrdersWidget:  # type: ignore[no-untyped-def]
    """The pending-orders widget on the store (polls a few ms apart: Amazon is virtual)."""
    return PendingOrdersWidget(client, store_id=store.id, max_pause=0.005, **options)


def loaded(client: SkuportClient, store: ReadyStore) -> PendingOrdersWidget:
    """The widget after loading the thirty days before the sandbox's now (its default range)."""
    widget = pending_of(client, store)
    run = widget.load_orders()
    assert run["status"] == "SUCCEEDED", run
    return widget


# --- loading with progress (OR-1, OR-2) -----------------------------------------------------


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


# --- processing now (PR-1) ------------------------------------------------------------------


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


# --- the needs-attention queue (BX-3) -------------------------------------------------------


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
    assert "tax_mapping_incomplete" in widget.attention_table.df["reason"].tolist()
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


# --- the order log with each sale's state (LG-1 … LG-3) ------------------------------------


def test_lg1_log_entries_show_their_sales_state(operations, admin, seller, live_server):
    # given a NONE store: authorised invoices, payments applied to the bank account
    store = ready_store(
        admin, seller, invoiceStatus="AUTHORISED", paymentAccountId=admin_bank(admin, seller)
    )
    loaded(operations, store)
    # when
    widget = OrderLogWidget(operations, store_id=store.id)
    # then one entry per captured order, each with its sale
    assert {r["amazonOrderId"] for r in widget.rows} == paid(live_server, seller)
    assert widget.total_count == len(widget.rows)
    frame = widget.table.df
    assert set(frame["state"]) == {"PROCESSED"}
    assert set(frame["invoice"]) == {"authorised"}
    assert all(number.strip() for number in frame["sale"])
    assert {"picked", "packed", "shipped", "payment"} <= set(frame.columns)
    assert all(p.startswith("applied") for p in frame["payment"]), set(frame["payment"])
    # and selecting an entry shows its sale task in words
    widget.select([0])
    sale = widget.rows[0]["sale"]
    assert f"sale <b>{sale['number']}</b>" in widget.selection_view.value
    assert "invoice authorised" in widget.selection_view.value


def admin_bank(admin: SkuportClient, seller) -> str:  # type: ignore[no-untyped-def]
    made = admin.execute(
        "mutation($code: String!) { createAccount(code: $code, name: $code, kind: BANK) {"
        " ... on AccountSaved { account { id } } } }",
        code=f"19{seller.region}",
    )
    return made["createAccount"]["account"]["id"]


def test_lg1_the_log_filters_by_state_and_order_id(operations, admin, seller):
    store = ready_store(admin, seller, consolidation="DAILY")
    loaded(operations, store)
    widget = OrderLogWidget(operations, store_id=store.id)
    everything = len(widget.rows)
    order = widget.rows[0]["amazonOrderId"]
    widget.order_filter.value = order
    assert [r["amazonOrderId"] for r in widget.rows] == [order]
    widget.order_filter.value = ""
    widget.state_filter.value = "PROCESSED"
    assert widget.rows == []
    widget.state_filter.value = "PENDING"
    assert len(widget.rows) == everything


def test_lg2_deleting_an_entry_keeps_its_sale(operations, admin, seller):
    # given
    store = ready_store(admin, seller)
    loaded(operations, store)
    widget = OrderLogWidget(operations, store_id=store.id)
    before = len(widget.rows)
    row = widget.rows[0]
    sale_id = row["sale"]["id"]
    # when
    widget.select([0])
    widget.delete_button.click()
    # then the entry is gone, the sale is not
    assert widget.error == ""
    assert "1 log entries deleted; their sales stay" in widget.action_status.value
    assert len(widget.rows) == before - 1
    assert row["amazonOrderId"] not in {r["amazonOrderId"] for r in widget.rows}
    sale = admin.execute("query($id: ID!) { sale(id: $id) { __typename } }", id=sale_id)
    assert sale["sale"]["__typename"] == "Sale"


def test_lg3_reloading_an_order_voids_its_sale_and_captures_it_again(operations, admin, seller):
    # given a processed order
    store = ready_store(admin, seller)
    loaded(operations, store)
    widget = OrderLogWidget(operations, store_id=store.id, max_pause=0.005)
    order = widget.rows[0]["amazonOrderId"]
    old_sale = widget.rows[0]["sale"]["id"]
    # when it is reloaded
    widget.select_order(order)
    widget.reload_button.click()
    # then its old sale is voided and a new one made from Amazon's data
    assert widget.error == "", widget.error
    run = widget.reload_progress.run
    assert run["operation"] == "orders_load" and run["status"] == "SUCCEEDED", run
    assert "1 orders reloaded" in widget.action_status.value
    again = next(r for r in widget.rows if r["amazonOrderId"] == order)
    assert again["sale"]["id"] != old_sale and again["sale"]["status"] == "ordered"
    voided = admin.execute(
        "query($id: ID!) { sale(id: $id) { ... on Sale { status } } }", id=old_sale
    )
    assert voided["sale"]["status"] == "VOIDED"


def test_lg3_reload_without_a_selection_says_what_to_do(operations, admin, seller):
    widget = OrderLogWidget(operations, store_id=ready_store(admin, seller).id)
    assert widget.reload_orders() == []
    assert "select the order" in widget.error


# --- notifications (OR-8) -------------------------------------------------------------------


def test_or8_skipped_orders_are_notified_and_marked_read(operations, admin, seller, live_server):
    # given skipped orders, each notified once
    store = ready_store(admin, seller, mapped=False)
    loaded(operations, store)
    widget = NotificationsWidget(operations, store_id=store.id)
    skipped = paid(live_server, seller, fba=None)
    assert widget.unread_count == len(skipped)
    assert all("needs attention" in n["message"] for n in widget.notifications)
    # when the first is marked read, then the rest
    widget.select([0])
    widget.read_selected_button.click()
    assert widget.unread_count == len(skipped) - 1
    assert len(widget.notifications) == len(skipped) - 1
    widget.read_all_button.click()
    # then
    assert widget.unread_count == 0 and widget.notifications == []
    assert "notifications marked read; 0 unread" in widget.status.value
    widget.unread_only.value = False
    assert len(widget.notifications) == len(skipped)
    assert all(n["read"] for n in widget.notifications)


# --- operation runs and charts (LG-4) -------------------------------------------------------


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


def test_or1_the_date_range_is_whole_utc_days_and_progress_reads_the_run_message():
    assert load_window(date(2026, 7, 1), None) == {"from": "2026-07-01T00:00:00+00:00", "to": None}
    assert load_window(date(2026, 7, 1), date(2026, 7, 3))["to"] == "2026-07-04T00:00:00+00:00"
    assert expected_total("40 orders from report") == 40
    assert expected_total("100 of 240 orders applied") == 240
    assert expected_total("waiting for Amazon") is None


def test_lg4_all_stores_shows_every_stores_runs(operations, admin, seller):
    store = ready_store(admin, seller)
    loaded(operations, store)
    widget = OrderRunsWidget(operations)
    assert widget.store_id == ""
    assert widget.runs and {r["target"] for r in widget.runs} == {store.id}


# --- roles and faults -----------------------------------------------------------------------


def test_readonly_users_see_forbidden_in_the_widgets_not_a_traceback(
    readonly, admin, seller, operations
):
    # given
    store = ready_store(admin, seller)
    loaded(operations, store)
    # when a read-only user tries to load, process, delete and reload
    orders = pending_of(readonly, store)
    assert orders.error == ""  # reading is allowed
    assert orders.load_orders() == {}
    assert "a readonly token may not do this" in orders.error
    orders.process_now()
    assert orders.error and "⚠" in orders.pending_status.value
    log = OrderLogWidget(readonly, store_id=store.id)
    assert log.rows
    log.select([0])
    assert log.delete_entries() == 0
    assert log.error and "Traceback" not in log.action_status.value
    log.error = ""
    assert log.reload_orders() == []
    assert log.error
    # then nothing changed
    assert len(OrderLogWidget(admin, store_id=store.id).rows) == len(log.rows)


def test_an_unreachable_server_is_said_in_every_widget():
    client = SkuportClient("http://127.0.0.1:9/graphql", "nobody")
    for widget in (
        PendingOrdersWidget(client),
        OrderLogWidget(client),
        NotificationsWidget(client),
        OrderRunsWidget(client),
    ):
        assert "cannot reach the Skuport server" in widget.error, type(widget)
        assert "⚠" in widget.status.value
