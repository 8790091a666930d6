"""Capturing Amazon orders through GraphQL against the sandbox (OR-1 … OR-8, BX-2)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from skuport.domain.inventory.products.models import Product
from skuport.domain.inventory.reference.models import Customer
from skuport.domain.inventory.sales.models import Invoice, Sale
from skuport.domain.inventory.stock.service import create_location, stock_at
from skuport.domain.orders.models import PendingOrder
from skuport.sandbox.render_orders import line_total
from tests.e2e import test_orders_support as support
from tests.e2e.test_orders_support import (
    ATTENTION,
    DOWNLOAD_CATALOG,
    NOTIFICATIONS,
    PENDING,
    PROCESS,
    count,
    log_rows,
    seller_orders,
    stock_product,
)

amazon, shop, load, scheduled = support.amazon, support.shop, support.load, support.scheduled
drain = support.drain


# --- OR-1, OR-2, OR-4, PR-2 ------------------------------------------------------------------


async def test_a_historical_load_captures_paid_orders_as_sales(gql, shop, load, sandbox, sessions):
    """OR-1 (report route for a long range, BX-2), OR-2, OR-4, PR-2: one sale per paid order."""
    # given a store capturing PAID orders, no consolidation
    store = await shop("NA")
    # when thirty days are loaded
    run = await load(store.id)
    # then every Unshipped / PartiallyShipped / Shipped order is a sale, nothing else is
    assert run["status"] == "SUCCEEDED", run
    assert "report" in run["message"]
    paid = seller_orders(sandbox, store.seller_id, "UNSHIPPED", "PARTIALLY_SHIPPED", "SHIPPED")
    fbm_paid = [o for o in paid if o.fulfilled_by == "MERCHANT"]
    rows = await log_rows(gql, store.id)
    assert {r["amazonOrderId"] for r in rows} == {o.order_id for o in fbm_paid}
    assert all(r["state"] == "PROCESSED" and r["sale"]["status"] == "ordered" for r in rows)
    assert run["processed"] == len(fbm_paid)
    # FBA orders are not processed by default (OR-7), Pending ones never captured (OR-2)
    fba = [o for o in paid if o.fulfilled_by == "AMAZON"]
    assert sum("fba_not_processed" in e["reason"] for e in run["errors"]) == len(fba)
    assert await count(sessions, Sale) == len(fbm_paid)
    # the report has no street address: orders still to ship were completed with getOrder
    async with sessions() as session:
        sales = {s.reference: s for s in await session.scalars(select(Sale))}
        customers = await session.scalar(select(func.count(Customer.id)))
    assert customers < len(fbm_paid)  # buyers without a name share a customer (PR-2)
    for order in fbm_paid:
        address = sales[order.order_id].shipping_address
        assert address["city"] == order.address["city"]
        if order.status != "SHIPPED":
            assert order.address["addressLine1"] in address["line1"]


async def test_the_search_route_gives_the_same_sales(gql, shop, load, sandbox):
    """OR-1 (searchOrders route) and OR-3: loading twice creates nothing new."""
    store = await shop("NA")
    first = await load(store.id, days=3, route="SEARCH")
    assert first["status"] == "SUCCEEDED", first
    assert "searchOrders" in first["message"]
    captured = first["processed"]
    assert captured > 0
    again = await load(store.id, days=3, route="SEARCH")
    assert again["processed"] == 0
    assert sum("already_captured" in e["reason"] for e in again["errors"]) == captured
    assert len(await log_rows(gql, store.id)) == captured


async def test_a_pending_order_keeps_lines_charges_and_amazon_taxes(gql, shop, load, sandbox):
    """OR-4, OR-6 (NA): lines with Amazon's tax, order-level charges with their mapped rules."""
    # given a DAILY store, so captured orders wait as pending orders
    store = await shop("NA", consolidation="DAILY")
    # when the month is loaded through searchOrders (full buyer and address data)
    await load(store.id, route="SEARCH")
    # then each pending order carries Amazon's figures unchanged
    result = await gql(PENDING, storeId=store.id)
    pending = {p["amazonOrderId"]: p for p in result["data"]["pendingOrders"]["nodes"]}
    assert pending
    orders = {o.order_id: o for o in seller_orders(sandbox, store.seller_id)}
    promoted = gifted = 0
    for order_id, row in pending.items():
        order = orders[order_id]
        assert row["taxInclusive"] is False and row["paid"] is True
        assert Decimal(row["total"]) == sum(line_total(line) for line in order.lines)
        kept = [line for line in order.lines if line.quantity]
        assert [Decimal(line["taxAmount"]) for line in row["lines"]] == [
            line.item_tax for line in kept
        ]
        for line in row["lines"]:
            taxed = Decimal(line["taxAmount"]) != 0
            rule = store.line_rule if taxed else store.free_rule
            assert line["taxRuleId"] == str(rule)
        charges = {c["kind"]: c for c in row["charges"]}
        shipping = sum(line.shipping for line in order.lines)
        assert Decimal(charges["SHIPPING"]["amount"]) == shipping
        assert Decimal(charges["SHIPPING"]["taxAmount"]) == sum(
            line.shipping_tax for line in order.lines
        )
        if any(line.promotion_discount for line in order.lines):
            promoted += 1
            discount = -sum(line.promotion_discount for line in order.lines)
            assert Decimal(charges["PROMOTION_DISCOUNT"]["amount"]) == discount
            assert "SHIPPING_DISCOUNT" in charges
        if any(line.gift_wrap for line in order.lines):
            gifted += 1
            assert charges["GIFT_WRAP"]["taxRuleId"] == str(store.charge_rule)
        if order.address.get("companyName"):
            assert row["isBusiness"] and row["companyName"]
    assert promoted and gifted  # the month has both kinds


async def test_eu_orders_are_tax_inclusive_under_our_rules(
    drain, gql, shop, load, sandbox, sessions
):
    """OR-6 (EU): tax inclusive; EU destinations use the rule, others the tax-free rule."""
    store = await shop("EU", consolidation="DAILY")
    await load(store.id)
    result = await gql(PENDING, storeId=store.id)
    rows = result["data"]["pendingOrders"]["nodes"]
    assert rows
    for row in rows:
        assert row["taxInclusive"] is True
        outside = row["shippingAddress"]["country"] in ("CH", "NO")
        expected = store.free_rule if outside else store.line_rule
        assert all(line["taxRuleId"] == str(expected) for line in row["lines"]), row
    # when processed, our inclusive rule recalculates the tax and the totals stay Amazon's
    async with sessions() as session:
        amazon_total = sum(
            (p.total for p in await session.scalars(select(PendingOrder))), Decimal(0)
        )
    started = await gql(PROCESS, role="operations", storeId=store.id)
    assert started["data"]["processPendingOrders"]["__typename"] == "JobStarted"
    await drain()
    async with sessions() as session:
        invoices = list(await session.scalars(select(Invoice)))
        assert sum((i.total for i in invoices), Decimal(0)) == amazon_total
        assert sum((i.tax_total for i in invoices), Decimal(0)) > 0


async def test_unknown_skus_become_service_lines(gql, shop, load, sandbox):
    """OR-5: a line whose SKU Amazon no longer knows (and we do not) is a service line."""
    store = await shop("NA", consolidation="DAILY")
    await load(store.id)
    result = await gql(PENDING, storeId=store.id)
    lines = [line for p in result["data"]["pendingOrders"]["nodes"] for line in p["lines"]]
    assert lines and all(line["isServiceLine"] for line in lines)  # no products at all
    assert any(line["sellerSku"] == "" for line in lines)


async def test_lines_match_by_sku_and_allocate_stock(
    drain, gql, shop, amazon, scheduled, sandbox, sessions
):
    """OR-4, OR-5: a line finds our product by SKU; its stock is allocated at capture."""
    store = await shop("NA", consolidation="DAILY")
    created = await amazon("POST", "/_sandbox/orders", sellerId=store.seller_id, variant=2)
    order = created["order"]
    sku = order["orderItems"][0]["product"]["sellerSku"]
    quantity = order["orderItems"][0]["quantityOrdered"]
    product_id = await stock_product(sessions, sku, store.location_id, 10)
    await amazon("POST", "/_sandbox/clock", seconds=300)
    await scheduled(store.id)
    rows = (await gql(PENDING, storeId=store.id))["data"]["pendingOrders"]["nodes"]
    mine = next(p for p in rows if p["amazonOrderId"] == order["orderId"])
    assert mine["lines"][0]["productId"] == str(product_id)
    async with sessions() as session:
        figure = await stock_at(session, product_id=product_id, location_id=store.location_id)
    assert figure.allocated == quantity and figure.available == 10 - quantity
    # PR-1: "Process" hands the allocation to the sale; availability does not move
    await gql(PROCESS, role="operations", storeId=store.id)
    await drain()
    async with sessions() as session:
        figure = await stock_at(session, product_id=product_id, location_id=store.location_id)
        sale = await session.scalar(select(Sale))
    assert figure.allocated == quantity and figure.available == 10 - quantity
    assert sale.customer_id == store.customer_id  # DAILY: the configured customer (PR-2)
    assert all(line.description.startswith("[") for line in sale.lines)


async def test_products_are_fetched_from_amazon_when_allowed(gql, shop, load, sessions):
    """OR-5 step three: an unknown SKU is created from Amazon's catalog with the CA logic."""
    store = await shop("NA", consolidation="DAILY", createProductIfNotFound=True)
    await load(store.id)
    result = await gql(PENDING, storeId=store.id)
    lines = [line for p in result["data"]["pendingOrders"]["nodes"] for line in p["lines"]]
    with_sku = [line for line in lines if line["sellerSku"]]
    assert with_sku and all(line["productId"] for line in with_sku)
    assert all(line["isServiceLine"] for line in lines if not line["sellerSku"])
    assert await count(sessions, Product) == len({line["sellerSku"] for line in with_sku})


async def test_manual_matching_skips_orders_with_unlinked_listings(
    drain, gql, shop, load, sessions
):
    """OR-5 (MANUAL), OR-8, BX-3: unlinked listing → skipped, reported, queued."""
    store = await shop("NA", matchProducts="MANUAL")
    started = await gql(DOWNLOAD_CATALOG, role="operations", storeId=store.id)
    assert started["data"]["downloadCatalog"]["__typename"] == "JobStarted"
    await drain()
    run = await load(store.id)
    unmapped = [e for e in run["errors"] if e["reason"].startswith("unmapped_product")]
    assert unmapped and run["status"] == "SUCCEEDED"
    items = (await gql(ATTENTION, storeId=store.id))["data"]["attentionItems"]
    assert {i["amazonOrderId"] for i in items} >= {e["item"] for e in unmapped}
    notes = (await gql(NOTIFICATIONS))["data"]["notifications"]["nodes"]
    assert any("unmapped_product" in n["message"] for n in notes)
    assert await count(sessions, Sale) == run["processed"]


async def test_fba_orders_go_to_the_fba_location_shipped_by_amazon(
    gql, shop, load, sandbox, sessions
):
    """OR-7: with FBA processing on, FBA orders are sales at the FBA location, shipped."""
    async with sessions() as session, session.begin():
        fba = await create_location(session, name="Amazon FBA NA")
    store = await shop("NA", processFbaOrders=True, fbaLocationId=str(fba.id))
    await load(store.id)
    rows = await log_rows(gql, store.id)
    fba_rows = [r for r in rows if r["fulfilment"] == "FBA"]
    assert fba_rows
    for row in fba_rows:
        assert row["sale"]["shipStatus"] == "authorised" and row["autoShipped"]
    async with sessions() as session:
        locations = {
            s.location_id
            for s in await session.scalars(select(Sale))
            if s.reference in {r["amazonOrderId"] for r in fba_rows}
        }
    assert locations == {fba.id}


async def test_all_locations_allocate_where_the_stock_is(gql, shop, amazon, scheduled, sessions):
    """OR-4: with the FBM location "all locations", stock is allocated where it is available."""
    store = await shop("NA", consolidation="DAILY", clear=["fbmLocationId"])
    async with sessions() as session, session.begin():
        shelf = await create_location(session, name="Second shelf")
    created = await amazon("POST", "/_sandbox/orders", sellerId=store.seller_id, variant=2)
    sku = created["order"]["orderItems"][0]["product"]["sellerSku"]
    product_id = await stock_product(sessions, sku, shelf.id, 5)
    await amazon("POST", "/_sandbox/clock", seconds=900)
    await scheduled(store.id)
    async with sessions() as session:
        pending = await session.scalar(
            select(PendingOrder).where(PendingOrder.amazon_order_id == created["order"]["orderId"])
        )
        figure = await stock_at(session, product_id=product_id, location_id=shelf.id)
    assert pending.location_id == shelf.id and figure.allocated > 0
