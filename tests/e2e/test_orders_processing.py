"""Processing, payments and cancellations through GraphQL (PR-1 … PR-3, PA-1, OR-9, OR-1)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from skuport.domain.inventory.reference.models import AccountKind, Customer
from skuport.domain.inventory.reference.service import create_account
from skuport.domain.inventory.sales.models import Invoice, Sale, SaleStatus
from skuport.domain.inventory.stock.service import stock_at
from skuport.domain.jobs import DailyAt, Every, RunStatus, Trigger
from skuport.domain.orders.models import OrderWatermark
from skuport.domain.orders.scheduled import (
    ORDERS_CONSOLIDATION,
    consolidation_targets,
    download_targets,
)
from skuport.domain.stock_sync.models import UncapturedHold
from tests.e2e import test_orders_support as support
from tests.e2e.test_orders_support import (
    ATTENTION,
    PENDING,
    PROCESS,
    count,
    log_rows,
    stock_product,
)

amazon, shop, load, scheduled = support.amazon, support.shop, support.load, support.scheduled
drain = support.drain


async def new_order(amazon, store, sessions, *, status="UNSHIPPED", stock=10, variant=2):
    """An order placed on Amazon now, whose first SKU we sell with `stock` units on hand."""
    created = (
        await amazon(
            "POST", "/_sandbox/orders", sellerId=store.seller_id, status=status, variant=variant
        )
    )["order"]
    items = [i for i in created["orderItems"] if i["product"].get("sellerSku")]
    product_ids = [
        await stock_product(sessions, item["product"]["sellerSku"], store.location_id, stock)
        for item in items
    ]
    # Amazon lists changes 2 minutes late; a quarter of an hour later is the next scheduled slot
    await amazon("POST", "/_sandbox/clock", seconds=900)
    return created, items, product_ids


async def figures(sessions, store, product_id):
    async with sessions() as session:
        return await stock_at(session, product_id=product_id, location_id=store.location_id)


async def test_every_sale_setting_is_applied(gql, shop, amazon, scheduled, sessions):
    """PR-2, PR-3: Amazon customer, addresses, rep, invoice status, pick/pack/ship, stock out."""
    # given a NONE store that authorises invoices, ships automatically, books to an account
    store = await shop(
        "NA",
        invoiceStatus="AUTHORISED",
        fulfilmentMode="PICK_PACK_SHIP",
        salesRepresentative="MARKETPLACE",
    )
    async with sessions() as session, session.begin():
        revenue = (
            await create_account(
                session, code="4000", name="Amazon sales", kind=AccountKind.REVENUE
            )
        ).id
    await gql(support.SETTINGS, storeId=store.id, settings={"revenueAccountId": str(revenue)})
    order, items, product_ids = await new_order(amazon, store, sessions, variant=3)
    # when the scheduler downloads
    entry = await scheduled(store.id)
    # then the order is one shipped sale with an authorised invoice
    assert entry.processed >= 1
    rows = await log_rows(gql, store.id, amazonOrderId=order["orderId"])
    sale = rows[0]["sale"]
    assert (sale["invoiceStatus"], sale["shipStatus"]) == ("authorised", "authorised")
    assert rows[0]["autoShipped"] is True
    async with sessions() as session:
        made = await session.get(Sale, int(sale["id"]))
        customer = await session.get(Customer, made.customer_id)
    assert made.sales_rep == "Amazon_US" and made.reference == order["orderId"]
    assert {line.revenue_account_id for line in made.lines} == {revenue}
    company = order["buyer"].get("buyerCompanyName")
    assert customer.name == (company or order["buyer"]["buyerName"])  # PR-2
    assert made.shipping_address["city"] == order["recipient"]["deliveryAddress"]["city"]
    for item, product_id in zip(items, product_ids, strict=True):
        figure = await figures(sessions, store, product_id)
        assert figure.on_hand == 10 - item["quantityOrdered"] and figure.allocated == 0


async def test_short_stock_leaves_the_pick_in_draft(gql, shop, amazon, scheduled, sessions):
    """PR-3 with IN-5: not enough on hand → the pick stays DRAFT, the sale still exists."""
    store = await shop("NA", fulfilmentMode="PICK_PACK_SHIP")
    order, _, _ = await new_order(amazon, store, sessions, stock=0)
    await scheduled(store.id)
    rows = await log_rows(gql, store.id, amazonOrderId=order["orderId"])
    assert rows[0]["sale"]["pickStatus"] == "draft"
    assert rows[0]["sale"]["shipStatus"] == "not_started" and not rows[0]["autoShipped"]


async def test_payments_are_applied_with_a_payment_account(gql, shop, amazon, scheduled, sessions):
    """PA-1: paid orders' payments go on the invoice; without an account they are left."""
    store = await shop("NA")
    order, _, _ = await new_order(amazon, store, sessions)
    await scheduled(store.id)
    row = (await log_rows(gql, store.id, amazonOrderId=order["orderId"]))[0]
    assert row["sale"]["paymentStatus"] == "unpaid" and not row["paymentApplied"]
    # when a payment account is set, the next download pays the processed order's invoice
    await gql(support.SETTINGS, storeId=store.id, settings={"paymentAccountId": str(store.bank_id)})
    await amazon("POST", f"/_sandbox/orders/{order['orderId']}/status", status="SHIPPED")
    await amazon("POST", "/_sandbox/clock", seconds=900)
    await scheduled(store.id)
    row = (await log_rows(gql, store.id, amazonOrderId=order["orderId"]))[0]
    assert row["sale"]["paymentStatus"] == "paid" and row["paymentApplied"]
    assert Decimal(row["sale"]["paid"]) == Decimal(order["proceeds"]["grandTotal"]["amount"])
    # and a new order is paid as it is processed
    second, _, _ = await new_order(amazon, store, sessions, variant=5)
    await amazon("POST", "/_sandbox/clock", seconds=900)
    await scheduled(store.id)
    row = (await log_rows(gql, store.id, amazonOrderId=second["orderId"]))[0]
    assert row["sale"]["paymentStatus"] == "paid"


async def test_a_cancelled_order_voids_its_sale(gql, shop, amazon, scheduled, sessions):
    """OR-9: the sale task is voided and its stock returns."""
    store = await shop("NA")
    order, items, product_ids = await new_order(amazon, store, sessions)
    await scheduled(store.id)
    assert (await figures(sessions, store, product_ids[0])).allocated == items[0]["quantityOrdered"]
    await amazon("POST", f"/_sandbox/orders/{order['orderId']}/cancel")
    await amazon("POST", "/_sandbox/clock", seconds=900)
    entry = await scheduled(store.id)
    assert entry.cancelled == 1
    row = (await log_rows(gql, store.id, amazonOrderId=order["orderId"]))[0]
    assert row["state"] == "VOIDED" and row["sale"]["status"] == "voided"
    assert "voided" in row["note"]
    figure = await figures(sessions, store, product_ids[0])
    assert figure.allocated == 0 and figure.available == 10


async def test_a_cancelled_pending_order_is_removed(gql, shop, amazon, scheduled, sessions):
    """OR-9: a pending order (DAILY) is dropped and its allocation released."""
    store = await shop("NA", consolidation="DAILY")
    order, _, product_ids = await new_order(amazon, store, sessions)
    await scheduled(store.id)
    await amazon("POST", f"/_sandbox/orders/{order['orderId']}/cancel")
    await amazon("POST", "/_sandbox/clock", seconds=900)
    await scheduled(store.id)
    pending = (await gql(PENDING, storeId=store.id))["data"]["pendingOrders"]["nodes"]
    assert order["orderId"] not in {p["amazonOrderId"] for p in pending}
    row = (await log_rows(gql, store.id, amazonOrderId=order["orderId"]))[0]
    assert row["state"] == "CANCELLED" and row["sale"] is None
    assert (await figures(sessions, store, product_ids[0])).allocated == 0


SALE = """
query($id: ID!) {
  sale(id: $id) {
    status lines { id productId quantity description }
    invoice { status total paid credited balance paymentStatus
      payments { amount accountId reference } creditNotes { total } }
  }
}
"""
CREDIT = """
mutation($invoice: ID!, $lines: [CreditLineInput!]!) {
  createCreditNote(invoiceId: $invoice, lines: $lines) {
    __typename ... on CreditNoteSaved { invoice { credited } } ... on UserError { message }
  }
}
"""
RETRY = """
mutation($id: ID!) {
  retryAttentionItem(id: $id) {
    __typename ... on AttentionRetried { outcome detail stillNeedsAttention }
  }
}
"""


async def sale_and_invoice(gql, sale_id: str) -> dict:
    result = await gql(SALE, id=sale_id)
    assert "errors" not in result, result
    return result["data"]["sale"]


async def attention_for(gql, store, order_id: str) -> list[dict]:
    items = (await gql(ATTENTION, storeId=store.id))["data"]["attentionItems"]
    return [i for i in items if i["amazonOrderId"] == order_id]


async def paid_order(gql, shop, amazon, scheduled, sessions, **settings):
    """A NONE store with a payment account (PA-1) and one order, processed and paid."""
    store = await shop("NA", **settings)
    await gql(support.SETTINGS, storeId=store.id, settings={"paymentAccountId": str(store.bank_id)})
    order, items, product_ids = await new_order(amazon, store, sessions)
    await scheduled(store.id)
    row = (await log_rows(gql, store.id, amazonOrderId=order["orderId"]))[0]
    assert row["sale"]["paymentStatus"] == "paid" and row["paymentApplied"]
    return store, order, items, product_ids, row


async def cancel_on_amazon(amazon, scheduled, store, order):
    await amazon("POST", f"/_sandbox/orders/{order['orderId']}/cancel")
    await amazon("POST", "/_sandbox/clock", seconds=900)
    return await scheduled(store.id)


async def test_a_paid_cancelled_order_is_voided_with_its_payments_refunded(
    gql, shop, amazon, scheduled, sessions
):
    """OR-9 with PA-1: the paid sale is voided, each payment refunded to its account, stock back."""
    # given a processed order whose invoice PA-1 paid from the store's payment account
    store, order, items, product_ids, row = await paid_order(gql, shop, amazon, scheduled, sessions)
    paid = Decimal(row["sale"]["paid"])
    assert (await figures(sessions, store, product_ids[0])).allocated == items[0]["quantityOrdered"]
    # when the buyer cancels it on Amazon and the next download sees it
    entry = await cancel_on_amazon(amazon, scheduled, store, order)
    # then the order is voided, not queued, and the log says how much was refunded
    assert entry.cancelled == 1
    assert await attention_for(gql, store, order["orderId"]) == []
    row = (await log_rows(gql, store.id, amazonOrderId=order["orderId"]))[0]
    assert row["state"] == "VOIDED" and row["sale"]["status"] == "voided"
    assert f"payments of {paid:.2f} USD refunded" in row["note"]
    # and the invoice keeps the payment and shows its refund: paid 0
    sale = await sale_and_invoice(gql, row["sale"]["id"])
    invoice = sale["invoice"]
    assert (invoice["status"], Decimal(invoice["paid"])) == ("VOIDED", 0)
    assert invoice["paymentStatus"] == "UNPAID" and invoice["creditNotes"] == []
    payment, refund = invoice["payments"]
    assert (Decimal(payment["amount"]), Decimal(refund["amount"])) == (paid, -paid)
    assert payment["accountId"] == refund["accountId"] == str(store.bank_id)
    assert refund["reference"].startswith("refund of payment")
    # and the stock it held is free again
    for item, product_id in zip(items, product_ids, strict=True):
        figure = await figures(sessions, store, product_id)
        assert (figure.on_hand, figure.allocated, figure.available) == (10, 0, 10), item


async def test_a_partly_credited_cancelled_order_waits_for_the_rest_of_the_credit(
    gql, shop, amazon, scheduled, sessions
):
    """OR-9, IN-7, BX-3: a partial credit note is the user's call — queued until fully credited.

    Fully credited, the sale is kept (the credit note is the refund) and the stock its lines
    still hold unshipped is released.
    """
    store, order, _, product_ids, row = await paid_order(
        gql, shop, amazon, scheduled, sessions, invoiceStatus="AUTHORISED"
    )
    sale = await sale_and_invoice(gql, row["sale"]["id"])
    first, *others = sale["lines"]
    invoice_id = await _invoice_id(sessions, row["sale"]["id"])
    # given finance credited one unit of the first line
    one = [{"saleLineId": first["id"], "quantity": "1"}]
    credited = await gql(CREDIT, role="finance", invoice=invoice_id, lines=one)
    assert credited["data"]["createCreditNote"]["__typename"] == "CreditNoteSaved", credited
    # when Amazon cancels the order
    await cancel_on_amazon(amazon, scheduled, store, order)
    # then it waits in the attention queue with the reason, the sale untouched
    [item] = await attention_for(gql, store, order["orderId"])
    assert (item["stage"], item["reason"]) == ("cancellation", "cancelled_after_payment")
    assert "partly credited" in item["detail"]
    row = (await log_rows(gql, store.id, amazonOrderId=order["orderId"]))[0]
    assert row["state"] == "PROCESSED" and row["sale"]["status"] == "ordered"
    # when finance credits the rest and operations retry the item
    rest = [
        {"saleLineId": line["id"], "quantity": line["quantity"]}
        for line in others
    ] + ([{"saleLineId": first["id"], "quantity": str(Decimal(first["quantity"]) - 1)}]
         if Decimal(first["quantity"]) > 1 else [])  # fmt: skip
    credited = await gql(CREDIT, role="finance", invoice=invoice_id, lines=rest)
    assert credited["data"]["createCreditNote"]["__typename"] == "CreditNoteSaved", credited
    retried = (await gql(RETRY, role="operations", id=item["id"]))["data"]["retryAttentionItem"]
    # then the order is done: the sale is kept, credited in full, its stock released
    assert retried == {**retried, "outcome": "cancelled", "stillNeedsAttention": False}
    row = (await log_rows(gql, store.id, amazonOrderId=order["orderId"]))[0]
    assert row["state"] == "VOIDED" and row["sale"]["status"] == "ordered"
    assert "kept" in row["note"] and "unshipped stock released" in row["note"]
    invoice = (await sale_and_invoice(gql, row["sale"]["id"]))["invoice"]
    assert Decimal(invoice["credited"]) == Decimal(invoice["total"])
    for product_id in product_ids:
        figure = await figures(sessions, store, product_id)
        assert (figure.on_hand, figure.allocated, figure.available) == (10, 0, 10)
    assert await attention_for(gql, store, order["orderId"]) == []


async def _invoice_id(sessions, sale_id: str) -> str:
    async with sessions() as session:
        invoice = await session.scalar(select(Invoice).where(Invoice.sale_id == int(sale_id)))
        return str(invoice.id)


async def test_a_cancellation_before_capture_leaves_nothing(gql, shop, amazon, scheduled, sessions):
    """OR-2, OR-9, SY-3: a Pending order is held, never captured; cancelled, the hold goes."""
    store = await shop("NA")
    order, _, _ = await new_order(amazon, store, sessions, status="PENDING")
    await scheduled(store.id)
    assert await log_rows(gql, store.id, amazonOrderId=order["orderId"]) == []
    assert order["orderId"] in await held(sessions)
    await amazon("POST", f"/_sandbox/orders/{order['orderId']}/cancel")
    await amazon("POST", "/_sandbox/clock", seconds=900)
    entry = await scheduled(store.id)
    assert entry.cancelled == 1
    assert order["orderId"] not in await held(sessions)
    assert await log_rows(gql, store.id, amazonOrderId=order["orderId"]) == []


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


async def test_the_daily_job_runs_at_the_local_consolidation_time(shop, sessions):
    """PR-1: DAILY stores run at their own local time; the slot follows the zone (DST)."""
    store = await shop(
        "EU", consolidation="DAILY", consolidationTime="18:30:00", timezone="Europe/Berlin"
    )
    await shop("NA")  # NONE: no daily job
    async with sessions() as session:
        targets = await consolidation_targets(session)
    assert [t.key for t in targets] == [store.id]
    schedule = targets[0].schedule
    assert schedule == DailyAt(at=time(18, 30), timezone="Europe/Berlin")
    # 23:30 UTC is already tomorrow in Berlin in summer
    assert schedule.slot(datetime(2026, 7, 1, 22, 30, tzinfo=UTC)) == "daily-2026-07-02"
    assert schedule.slot(datetime(2026, 12, 1, 22, 30, tzinfo=UTC)) == "daily-2026-12-01"


async def test_scheduled_downloads_follow_a_watermark(
    gql, shop, amazon, scheduled, sessions, sandbox
):
    """OR-1: each run starts where the last ended, less an overlap; new orders are caught."""
    store = await shop("NA")
    first = await scheduled(store.id)
    async with sessions() as session:
        mark = await session.get(OrderWatermark, int(store.id))
    assert mark.updated_up_to == first.window_end
    order, _, _ = await new_order(amazon, store, sessions)
    second = await scheduled(store.id)
    assert second.window_start == first.window_end - timedelta(minutes=10)
    assert (await log_rows(gql, store.id, amazonOrderId=order["orderId"]))[0]["sale"]
    async with sessions() as session:
        invoices = list(await session.scalars(select(Invoice)))
    assert all(i.sale_id for i in invoices)
    assert await count(sessions, Sale) == len(await log_rows(gql, store.id))
    assert all(s.status is SaleStatus.ORDERED for s in await _sales(sessions))


async def held(sessions) -> set[str]:
    async with sessions() as session:
        return {h.amazon_order_id for h in await session.scalars(select(UncapturedHold))}


async def _sales(sessions):
    async with sessions() as session:
        return list(await session.scalars(select(Sale)))


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


async def test_each_store_downloads_on_its_own_interval(shop, sessions):
    """OR-1: the download job runs per store every `orderDownloadMinutes` (default 15)."""
    first = await shop("NA")
    second = await shop("EU", orderDownloadMinutes=30)
    async with sessions() as session:
        targets = {t.key: t.schedule for t in await download_targets(session)}
    assert targets == {first.id: Every(15), second.id: Every(30)}


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
