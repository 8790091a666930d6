"""DAILY consolidation: one sale a day, made by the daily job; cancellations on it (PR-1, OR-9)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from skuport.domain.inventory.sales.models import Sale
from skuport.domain.jobs import RunStatus, Trigger
from skuport.domain.orders.scheduled import ORDERS_CONSOLIDATION, consolidation_targets
from tests.e2e import test_orders_support as support
from tests.e2e.orders_processing_support import (
    attention_for,
    cancel_on_amazon,
    figures,
    new_order,
    sale_and_invoice,
)
from tests.e2e.test_orders_support import PENDING, PROCESS, log_rows

amazon, shop, load, scheduled = support.amazon, support.shop, support.load, support.scheduled
drain = support.drain


async def test_daily_consolidation_makes_one_sale_per_day(gql, shop, load, drain, sessions):
    """PR-1, PR-2 (DAILY): one sale per store and currency for the configured customer."""
    store = await shop("NA", consolidation="DAILY")
    await load(store.id, days=3, route="SEARCH")
    pending = (await gql(PENDING, storeId=store.id))["data"]["pendingOrders"]
    assert pending["totalCount"] > 1
    currencies = {p["currency"] for p in pending["nodes"]}
    await gql(PROCESS, role="operations", storeId=store.id)
    await drain()
    async with sessions() as session:
        sales = list(await session.scalars(select(Sale)))
    assert len(sales) == len(currencies)
    assert {s.customer_id for s in sales} == {store.customer_id}
    rows = await log_rows(gql, store.id)
    assert {r["sale"]["id"] for r in rows} == {str(s.id) for s in sales}


async def test_a_cancelled_order_leaves_the_days_consolidated_sale(
    gql, shop, amazon, scheduled, drain, sessions
):
    """OR-9 (DAILY): the day's sale is made again without the cancelled order's lines."""
    store = await shop("NA", consolidation="DAILY")
    kept, _, kept_products = await new_order(amazon, store, sessions, variant=2)
    gone, gone_items, gone_products = await new_order(amazon, store, sessions, variant=5)
    await scheduled(store.id)
    await gql(PROCESS, role="operations", storeId=store.id)
    await drain()
    day_sale = (await log_rows(gql, store.id, amazonOrderId=gone["orderId"]))[0]["sale"]
    products = set(kept_products) | set(gone_products)
    before = {p: (await figures(sessions, store, p)).allocated for p in products}
    await amazon("POST", f"/_sandbox/orders/{gone['orderId']}/cancel")
    await amazon("POST", "/_sandbox/clock", seconds=900)
    entry = await scheduled(store.id)
    assert entry.cancelled == 1
    cancelled = (await log_rows(gql, store.id, amazonOrderId=gone["orderId"]))[0]
    remaining = (await log_rows(gql, store.id, amazonOrderId=kept["orderId"]))[0]
    assert cancelled["state"] == "VOIDED" and "made again" in cancelled["note"]
    assert cancelled["sale"]["status"] == "voided" and cancelled["sale"]["id"] == day_sale["id"]
    assert remaining["sale"]["status"] == "ordered" and remaining["sale"]["id"] != day_sale["id"]
    async with sessions() as session:
        again = await session.get(Sale, int(remaining["sale"]["id"]))
    assert again.lines and not any(gone["orderId"] in line.description for line in again.lines)
    # stock: exactly the cancelled order's units are free again, the rest stay allocated
    freed = {p: Decimal(0) for p in products}
    for item, product_id in zip(gone_items, gone_products, strict=True):
        freed[product_id] += item["quantityOrdered"]
    for product_id in products:
        after = (await figures(sessions, store, product_id)).allocated
        assert after == before[product_id] - freed[product_id]


async def test_the_daily_job_processes_the_days_orders(gql, shop, load, app, sessions):
    """PR-1: the scheduled DAILY run turns every pending order into the day's sale."""
    store = await shop("NA", consolidation="DAILY")
    await load(store.id, days=3, route="SEARCH")
    assert (await gql(PENDING, storeId=store.id))["data"]["pendingOrders"]["totalCount"] > 0
    async with sessions() as session:
        [target] = await consolidation_targets(session)
    entry = await app.state.services.runner.run(
        ORDERS_CONSOLIDATION, trigger=Trigger.SCHEDULER, triggered_by="scheduler", target=target
    )
    assert entry.status is RunStatus.SUCCEEDED and entry.processed > 0
    assert (await gql(PENDING, storeId=store.id))["data"]["pendingOrders"]["totalCount"] == 0
    again = await app.state.services.runner.run(
        ORDERS_CONSOLIDATION, trigger=Trigger.SCHEDULER, triggered_by="scheduler", target=target
    )
    assert again is None  # the day's slot is taken: a second server does not run it again


@pytest.mark.parametrize("mode", ["NONE", "PICK_PACK_SHIP"])
async def test_a_cancelled_order_on_a_paid_daily_sale_is_credited_and_its_stock_released(
    gql, shop, amazon, scheduled, drain, sessions, mode
):
    """OR-9 (DAILY) with PA-1: a credit note of its lines; its units come back exactly —
    released when they were only allocated (NONE), restocked when they had shipped."""
    # given a DAILY store that authorises invoices and applies Amazon's payments
    store = await shop("NA", consolidation="DAILY", invoiceStatus="AUTHORISED", fulfilmentMode=mode)
    await gql(support.SETTINGS, storeId=store.id, settings={"paymentAccountId": str(store.bank_id)})
    kept, _, kept_products = await new_order(amazon, store, sessions, variant=2)
    gone, gone_items, gone_products = await new_order(amazon, store, sessions, variant=5)
    await scheduled(store.id)
    await gql(PROCESS, role="operations", storeId=store.id)
    await drain()
    day = (await log_rows(gql, store.id, amazonOrderId=gone["orderId"]))[0]["sale"]
    assert day["paymentStatus"] == "paid" and day["invoiceStatus"] == "authorised"
    products = set(kept_products) | set(gone_products)
    before = {p: await figures(sessions, store, p) for p in products}
    paid_before = Decimal(day["paid"])
    # when one of the day's orders is cancelled on Amazon
    entry = await cancel_on_amazon(amazon, scheduled, store, gone)
    # then its lines are credited on the day's sale, which stays (the other order is on it)
    assert entry.cancelled == 1
    assert await attention_for(gql, store, gone["orderId"]) == []
    cancelled = (await log_rows(gql, store.id, amazonOrderId=gone["orderId"]))[0]
    remaining = (await log_rows(gql, store.id, amazonOrderId=kept["orderId"]))[0]
    assert cancelled["state"] == "VOIDED" and "credit note" in cancelled["note"]
    shipped = mode == "PICK_PACK_SHIP"
    assert ("restocking what shipped" in cancelled["note"]) is shipped
    assert ("unshipped stock released" in cancelled["note"]) is not shipped
    assert cancelled["sale"]["id"] == remaining["sale"]["id"] == day["id"]
    assert remaining["sale"]["status"] == "ordered" and remaining["state"] == "PROCESSED"
    sale = await sale_and_invoice(gql, day["id"])
    mine = [
        line for line in sale["lines"] if line["description"].startswith(f"[{gone['orderId']}]")
    ]
    assert mine
    invoice = sale["invoice"]
    # Amazon refunds the buyer: the order's own payment is reversed, the other order's kept
    assert "payment of" in cancelled["note"] and "refunded" in cancelled["note"]
    assert Decimal(invoice["paid"]) < paid_before
    assert Decimal(invoice["balance"]) == 0
    notes = invoice["creditNotes"]
    assert notes and Decimal(invoice["credited"]) == sum(Decimal(n["total"]) for n in notes) > 0
    # and stock: exactly the cancelled order's units are free again, nothing else moved
    freed = {p: Decimal(0) for p in products}
    for item, product_id in zip(gone_items, gone_products, strict=True):
        freed[product_id] += item["quantityOrdered"]
    for product_id in products:
        after, was = await figures(sessions, store, product_id), before[product_id]
        assert after.available == was.available + freed[product_id]
        if shipped:  # restocked: back on hand, nothing was allocated any more
            assert (after.on_hand, after.allocated) == (was.on_hand + freed[product_id], 0)
        else:  # released: on hand untouched, the allocation gone
            assert after.on_hand == was.on_hand
            assert after.allocated == was.allocated - freed[product_id]
