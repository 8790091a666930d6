"""Disconnecting a store and connecting the same seller account again (ST-4, OR-3, OR-4).

Disconnecting gives back the stock the store's pending orders held and says how much; an
Amazon order that already has a sale is never captured again after the seller account is
connected anew, whether the next download is a load by hand or the scheduled one; and a new
store never gets the id of a disconnected one.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from sqlalchemy import select

from skuport.domain.inventory.sales.models import Sale, SaleStatus
from skuport.domain.orders.processing import consolidated_prefix
from tests.e2e import test_orders_support as support
from tests.e2e.orders_processing_support import figures, new_order
from tests.e2e.test_orders_faults import place_orders
from tests.e2e.test_orders_support import CONNECT, PENDING, PROCESS, SETTINGS, Shop, log_rows

amazon, shop, load, scheduled = support.amazon, support.shop, support.load, support.scheduled
drain = support.drain

DISCONNECT = """
mutation($id: ID!) {
  disconnectStore(id: $id) {
    __typename
    ... on StoreDisconnected { id pendingOrdersReleased unitsReleased capturedOrdersRemembered }
    ... on UserError { message }
  }
}
"""


async def _disconnect(gql, store: Shop) -> dict:  # type: ignore[no-untyped-def]
    result = await gql(DISCONNECT, id=store.id)
    assert "errors" not in result, result
    answer = result["data"]["disconnectStore"]
    assert answer["__typename"] == "StoreDisconnected", answer
    return answer


async def _reconnect(gql, sellers, connect_input, store: Shop, **settings) -> Shop:  # type: ignore[no-untyped-def]
    """The same seller account connected again, with the same settings as before."""
    result = await gql(CONNECT, input=connect_input(sellers["NA"], name="NA again"))
    saved = result["data"]["connectStore"]
    assert saved["__typename"] == "StoreSaved", saved
    values = {
        "fbmLocationId": str(store.location_id),
        "customerId": str(store.customer_id),
        "lineTaxRuleId": str(store.line_rule),
        "chargeTaxRuleId": str(store.charge_rule),
        "taxFreeRuleId": str(store.free_rule),
        **settings,
    }
    changed = await gql(SETTINGS, storeId=saved["store"]["id"], settings=values)
    assert changed["data"]["updateStoreSettings"]["__typename"] == "StoreSaved", changed
    return replace(store, id=saved["store"]["id"])


async def _live_sales(sessions, order_id: str) -> int:  # type: ignore[no-untyped-def]
    """How many sales that are not voided hold the Amazon order: its own, or a day's sale."""
    async with sessions() as session:
        sales = await session.scalars(select(Sale).where(Sale.status != SaleStatus.VOIDED))
        mine = consolidated_prefix(order_id)
        return sum(
            1
            for sale in sales
            if sale.reference == order_id
            or any(line.description.startswith(mine) for line in sale.lines)
        )


async def _pending(gql, store: Shop) -> list[dict]:  # type: ignore[no-untyped-def]
    return (await gql(PENDING, storeId=store.id))["data"]["pendingOrders"]["nodes"]


async def test_st4_or3_disconnecting_a_daily_store_releases_its_pending_stock_and_a_reconnect_captures_nothing_twice(  # noqa: E501
    gql, shop, amazon, scheduled, load, drain, sessions, sellers, connect_input
):
    """ST-4/OR-4: the units the pending orders held are available again, and the answer says
    so; OR-3: after the same seller account is connected again, loading the same dates
    captures the released orders once and the orders already on a sale not at all."""
    # given a DAILY store with a day's sale made, and then an order waiting as a pending order
    store = await shop("NA", consolidation="DAILY")
    sold, _, sold_products = await new_order(amazon, store, sessions, variant=2)
    await scheduled(store.id)
    await gql(PROCESS, role="operations", storeId=store.id)
    await drain()
    waiting, _, waiting_products = await new_order(amazon, store, sessions, variant=5)
    await amazon("POST", "/_sandbox/clock", seconds=900)
    await scheduled(store.id)
    pending = await _pending(gql, store)
    assert [p["amazonOrderId"] for p in pending] == [waiting["orderId"]]
    held = sum(Decimal(line["quantity"]) for line in pending[0]["lines"] if line["productId"])
    products = set(sold_products) | set(waiting_products)
    before = {p: (await figures(sessions, store, p)).allocated for p in products}
    logged = len(await log_rows(gql, store.id))

    # when the store is disconnected
    answer = await _disconnect(gql, store)

    # then the pending order's units are no longer allocated, and the answer says how many
    assert answer["pendingOrdersReleased"] == 1
    assert Decimal(answer["unitsReleased"]) == held > 0
    assert answer["capturedOrdersRemembered"] == logged - 1
    waiting_held = {p: Decimal(0) for p in products}
    for line in pending[0]["lines"]:
        if line["productId"]:
            waiting_held[int(line["productId"])] += Decimal(line["quantity"])
    for product_id in products:
        after = (await figures(sessions, store, product_id)).allocated
        assert after == before[product_id] - waiting_held[product_id]

    # when the same seller account is connected again and the same dates are loaded
    again = await _reconnect(gql, sellers, connect_input, store, consolidation="DAILY")
    assert again.id != store.id  # a store id is never given to another store
    run = await load(again.id, days=1, route="SEARCH")  # within what the store had read

    # then the released order is pending once more, allocated once; the sold one is not
    assert run["status"] == "SUCCEEDED", run
    assert [p["amazonOrderId"] for p in await _pending(gql, again)] == [waiting["orderId"]]
    for product_id in products:
        assert (await figures(sessions, store, product_id)).allocated == before[product_id]
    [row] = await log_rows(gql, again.id, amazonOrderId=sold["orderId"])
    assert row["state"] == "PROCESSED" and row["sale"]["status"] == "ordered"
    await gql(PROCESS, role="operations", storeId=again.id)
    await drain()
    assert await _live_sales(sessions, sold["orderId"]) == 1
    assert await _live_sales(sessions, waiting["orderId"]) == 1


async def test_or3_the_first_scheduled_download_after_a_reconnect_makes_no_second_sale(
    gql, shop, amazon, scheduled, load, sessions, sellers, connect_input
):
    """OR-3 across ST-4: the scheduled download of a newly connected store looks back a day;
    the orders sold before the disconnect stay sold once, and keep their sale in the log."""
    # given orders captured and sold by a store (NONE: a sale per order at capture)
    store = await shop("NA")
    placed = await place_orders(amazon, store, sessions, 3)
    first = await scheduled(store.id)
    assert first.processed >= 3
    sales = {r["amazonOrderId"]: r["sale"]["id"] for r in await log_rows(gql, store.id)}
    assert [await _live_sales(sessions, order_id) for order_id in placed] == [1, 1, 1]

    # when the store is disconnected and the same seller account connected again
    answer = await _disconnect(gql, store)
    assert answer["pendingOrdersReleased"] == 0 and answer["unitsReleased"] == "0"
    assert answer["capturedOrdersRemembered"] == len(sales)
    again = await _reconnect(gql, sellers, connect_input, store)
    assert int(again.id) > int(store.id)  # ids are never reused
    await amazon("POST", "/_sandbox/clock", seconds=900)
    entry = await scheduled(again.id)

    # then nothing is captured again, by the scheduled run nor by a load of the same dates
    assert entry is not None and entry.processed == 0
    by_hand = await load(again.id, days=1, route="SEARCH")
    assert by_hand["processed"] == 0, by_hand
    for order_id in placed:
        assert await _live_sales(sessions, order_id) == 1
    logged = {r["amazonOrderId"]: r["sale"]["id"] for r in await log_rows(gql, again.id)}
    assert logged == sales
