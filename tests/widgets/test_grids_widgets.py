"""Every runbook grid reads like a report, not an API dump (LG-1, LG-4, OR-3, ST-5 time zone):
worded headers, marketplaces by code and name, times to the minute in the store's time zone,
durations in seconds and minutes, money with its currency, and copy / CSV / Excel buttons."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from skuport.widgets import (
    CatalogWidget,
    NotificationsWidget,
    OrderLogWidget,
    OrderRunsWidget,
    PendingOrdersWidget,
    RunsWidget,
    SkuportClient,
)
from skuport.widgets.grids import (
    EXPORT_BUTTONS,
    MARKETPLACES,
    column_title,
    duration,
    grid_format,
    money,
)
from tests.widgets.order_widgets_support import loaded, ready_store

MINUTE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")
NA_MARKETS = {"ATVPDKIKX0DER": "US · Amazon.com", "A2EUQ1WTGCTBG2": "CA · Amazon.ca",
              "A1AM78C64UM0Y8": "MX · Amazon.com.mx"}  # fmt: skip
TOKYO = "Asia/Tokyo"  # far from UTC and from the NA default, so a UTC time cannot pass


def in_zone(stamp: str, zone: str) -> str:
    return datetime.fromisoformat(stamp).astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


def test_lg1_api_names_become_words():
    assert column_title("amazonOrderId") == "Amazon order"
    assert column_title("marketplaceId") == "Marketplace"
    assert column_title("purchasedAt") == "Purchased"
    assert column_title("lastSeenAt") == "Last seen"
    assert column_title("durationMs") == "Duration"
    assert column_title("triggeredBy") == "Triggered by"
    assert column_title("Linked product") == "Linked product"


def test_lg4_durations_in_seconds_and_minutes_and_money_with_its_currency():
    assert [duration(ms) for ms in (None, 400, 42_000, 185_000, 120_000, 3_720_000)] == [
        "", "0.4 s", "42 s", "3 min 5 s", "2 min", "1 h 2 min",
    ]  # fmt: skip
    assert money("12.5", "EUR") == "12.50 EUR"
    assert money(Decimal("0.1") + Decimal("0.2"), "USD") == "0.30 USD"
    assert money(None, "USD") == ""


def test_st2_marketplaces_show_code_and_name_asked_once_per_client(operations, monkeypatch):
    asked: list[str] = []
    execute = operations.execute

    def counting(query: str, **variables: Any) -> dict[str, Any]:
        asked.append(query)
        return execute(query, **variables)

    monkeypatch.setattr(operations, "execute", counting)
    fmt = grid_format(operations)
    assert fmt.marketplace("APJ6JRA9NG5V4") == "IT · Amazon.it"
    assert fmt.marketplace("A1F83G8C2ARO7P") == "UK · Amazon.co.uk"
    grid_format(operations, "Europe/Rome")
    assert asked.count(MARKETPLACES) == 1


def test_or1_pending_orders_grid_reads_in_words_in_the_stores_time_zone(operations, admin, seller):
    # given a DAILY store in Tokyo time, with its orders loaded and waiting
    store = ready_store(admin, seller, consolidation="DAILY", timezone=TOKYO)
    widget = loaded(operations, store)
    assert widget.pending
    frame = widget.pending_table.df
    # then the headers are words, not field names
    assert list(frame.columns) == [
        "Amazon order", "Marketplace", "Fulfilment", "Purchased", "Buyer", "Ship to", "Lines",
        "Service lines", "Charges", "Total", "Paid",
    ]  # fmt: skip
    for position, node in enumerate(widget.pending):
        row = frame.iloc[position]
        assert row["Marketplace"] == NA_MARKETS[node["marketplaceId"]]
        assert row["Purchased"] == in_zone(node["purchasedAt"], TOKYO)
        assert MINUTE.match(row["Purchased"])
        assert row["Total"] == f"{Decimal(node['total']):.2f} {node['currency']}"


def test_lg1_order_log_grid_shows_marketplace_and_times_in_the_stores_zone(
    operations, admin, seller
):
    store = ready_store(admin, seller, timezone=TOKYO)
    loaded(operations, store)
    widget = OrderLogWidget(operations, store_id=store.id)
    frame = widget.table.df
    assert list(frame.columns)[:7] == [
        "Amazon order", "Marketplace", "Amazon status", "Fulfilment", "State", "Purchased",
        "Captured",
    ]  # fmt: skip
    row, entry = frame.iloc[0], widget.rows[0]
    assert row["Marketplace"] == NA_MARKETS[entry["marketplaceId"]]
    assert row["Captured"] == in_zone(entry["capturedAt"], TOKYO)
    assert "+00:00" not in " ".join(frame["Purchased"]) + " ".join(frame["Captured"])
    widget.select([0])
    assert NA_MARKETS[entry["marketplaceId"]] in widget.selection_view.value


def test_or3_loading_again_counts_already_captured_orders_instead_of_listing_them(
    operations, admin, seller
):
    # given a store whose orders were loaded once
    store = ready_store(admin, seller)
    widget = loaded(operations, store)
    first = widget.load_progress.run
    assert first["processed"] > 0
    # when the same range is loaded again
    again = widget.load_orders()
    # then the already captured orders are a count, and only what needs attention is listed
    report = widget.load_progress.report.value
    assert f"{first['processed']} already captured" in report
    assert "already_captured" not in report
    assert "fba_not_processed" in report  # still worth a look: FBA orders are not processed
    assert f"{first['processed']} already captured" in widget.load_progress.label.value
    # and the runs grid counts them apart from the orders that need attention
    runs = OrderRunsWidget(operations, store_id=store.id)
    position = next(i for i, r in enumerate(runs.runs) if r["id"] == again["id"])
    row = runs.table.df.iloc[position]
    assert row["Already captured"] == first["processed"]
    assert row["Need attention"] == row["Skipped"] == again["skipped"] - first["processed"]
    runs.select([position])
    assert "already_captured" not in runs.run_details.value


def test_lg4_runs_grids_show_durations_and_times_to_the_minute(
    operations, admin, seller, monkeypatch
):
    store = ready_store(admin, seller, timezone=TOKYO)
    loaded(operations, store)
    runs = OrderRunsWidget(operations, store_id=store.id)
    frame = runs.table.df
    assert {"Run", "Store", "Started", "Window start", "Duration", "Triggered by"} <= set(
        frame.columns
    )
    assert set(frame["Store"]) == {seller.name}
    assert frame.iloc[0]["Started"] == in_zone(runs.runs[0]["startedAt"], TOKYO)
    assert all(re.fullmatch(r"\d+(\.\d)? s|\d+ min( \d+ s)?", d) for d in frame["Duration"])
    # a grid about no one store shows the analyst's time zone
    monkeypatch.setenv("SKUPORT_TIMEZONE", "America/New_York")
    every = RunsWidget(operations)
    newest = every.runs[0]["startedAt"]
    assert every.table.df.iloc[0]["Started"] == in_zone(newest, "America/New_York")
    assert "Duration" in every.table.df.columns and "durationMs" not in every.table.df.columns


def grids(operations: SkuportClient, store_id: str) -> dict[str, Any]:
    pending = PendingOrdersWidget(operations, store_id=store_id, max_pause=0.005)
    return {
        "pending": pending.pending_table,
        "attention": pending.attention_table,
        "log": OrderLogWidget(operations, store_id=store_id).table,
        "notifications": NotificationsWidget(operations).table,
        "order runs": OrderRunsWidget(operations, store_id=store_id).table,
        "runs": RunsWidget(operations).table,
        "catalog": CatalogWidget(operations, store_id=store_id).table,
    }


@pytest.mark.parametrize("refreshed", [False, True])
def test_lg4_every_grid_can_be_copied_and_downloaded(operations, admin, seller, refreshed):
    """Copy, CSV and Excel buttons on every grid, still there after its rows were reloaded."""
    store = ready_store(admin, seller, consolidation="DAILY")
    if refreshed:
        loaded(operations, store)
    for name, table in grids(operations, store.id).items():
        args = table._dt_args
        assert args.get("buttons") == list(EXPORT_BUTTONS), name
        assert "buttons" in args["layout"].values(), (name, args["layout"])
        assert "search" in args["layout"].values(), (name, args["layout"])
