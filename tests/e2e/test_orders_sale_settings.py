"""Processed orders become sales as the store's settings say, and are paid (PR-2, PR-3, PA-1)."""

from __future__ import annotations

from decimal import Decimal

from skuport.domain.inventory.reference.models import AccountKind, Customer
from skuport.domain.inventory.reference.service import create_account
from skuport.domain.inventory.sales.models import Sale
from tests.e2e import test_orders_support as support
from tests.e2e.orders_processing_support import figures, new_order
from tests.e2e.test_orders_support import log_rows

amazon, shop, load, scheduled = support.amazon, support.shop, support.load, support.scheduled


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
