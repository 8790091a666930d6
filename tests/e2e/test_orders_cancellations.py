"""Orders cancelled on Amazon: sales voided, payments refunded, stock released (OR-9)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from skuport.domain.inventory.sales.models import Invoice
from skuport.domain.stock_sync.models import UncapturedHold
from tests.e2e import test_orders_support as support
from tests.e2e.orders_processing_support import (
    attention_for,
    cancel_on_amazon,
    figures,
    new_order,
    sale_and_invoice,
)
from tests.e2e.test_orders_support import PENDING, log_rows

amazon, shop, load, scheduled = support.amazon, support.shop, support.load, support.scheduled


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


async def paid_order(gql, shop, amazon, scheduled, sessions, **settings):
    """A NONE store with a payment account (PA-1) and one order, processed and paid."""
    store = await shop("NA", **settings)
    await gql(support.SETTINGS, storeId=store.id, settings={"paymentAccountId": str(store.bank_id)})
    order, items, product_ids = await new_order(amazon, store, sessions)
    await scheduled(store.id)
    row = (await log_rows(gql, store.id, amazonOrderId=order["orderId"]))[0]
    assert row["sale"]["paymentStatus"] == "paid" and row["paymentApplied"]
    return store, order, items, product_ids, row


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


async def held(sessions) -> set[str]:
    async with sessions() as session:
        return {h.amazon_order_id for h in await session.scalars(select(UncapturedHold))}
