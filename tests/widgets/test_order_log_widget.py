"""The order log widget: entries with their sales, filters, delete and reload (LG-1 … LG-3)."""

from __future__ import annotations

from skuport.widgets import OrderLogWidget, SkuportClient
from tests.widgets.order_widgets_support import loaded, paid, ready_store


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
    assert set(frame["State"]) == {"PROCESSED"}
    assert set(frame["Invoice"]) == {"authorised"}
    assert all(number.strip() for number in frame["Sale"])
    assert {"Picked", "Packed", "Shipped", "Payment"} <= set(frame.columns)
    assert all(p.startswith("applied") for p in frame["Payment"]), set(frame["Payment"])
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
