"""Orders a batch at a time (OR-3 … OR-5, PR-1 … PR-3, PA-1): the same sales as one by one.

The download takes the common orders of a batch together (`domain/orders/bulk.py`) and leaves
the rest to the per-order path. These tests show that a sale made in a batch is exactly the
sale the per-order path makes of the same Amazon order, that unusual orders in the same batch
still get their own handling, and that the cost of a batch does not grow with its size.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, select

from skuport.domain.inventory.sales.invoicing import find_invoice
from skuport.domain.inventory.sales.models import Sale
from skuport.domain.listings.models import CatalogEntry, CatalogStatus
from skuport.domain.orders import service as order_service
from skuport.domain.orders.models import AttentionItem, LogState, OrderLogEntry
from skuport.domain.orders.processing import consolidated_prefix
from tests.e2e import test_orders_support as support
from tests.e2e.test_orders_faults import place_orders
from tests.e2e.test_orders_support import ATTENTION, PROCESS, SETTINGS, count, log_rows

amazon, shop, load, scheduled = support.amazon, support.shop, support.load, support.scheduled
drain = support.drain

DELETE = """
mutation($id: ID!) {
  deleteLogEntry(id: $id) { __typename ... on LogEntryDeleted { id } ... on UserError { message } }
}
"""


async def _settings(gql, store, *, mode: str = "PICK_PACK_SHIP", paid: bool = True) -> None:  # type: ignore[no-untyped-def]
    settings = {"fulfilmentMode": mode, "invoiceStatus": "AUTHORISED"}
    if paid:
        settings["paymentAccountId"] = str(store.bank_id)
    changed = await gql(SETTINGS, storeId=store.id, settings=settings)
    assert changed["data"]["updateStoreSettings"]["__typename"] == "StoreSaved", changed


async def _sales_by_order(sessions) -> dict[str, dict[str, Any]]:  # type: ignore[no-untyped-def]
    """What a user sees of each order's sale: its lines and amounts, stages, shipments,
    invoice and the order's payments. On a consolidated (DAILY) sale, the order's own lines
    and payments: the day's totals depend on which other orders share the sale."""
    found = {}
    async with sessions() as session:
        entries = await session.scalars(
            select(OrderLogEntry).where(OrderLogEntry.sale_id.is_not(None))
        )
        for entry in entries:
            sale = await session.get(Sale, entry.sale_id)
            invoice = await find_invoice(session, sale_id=sale.id)
            daily = not sale.reference == entry.amazon_order_id
            mine = consolidated_prefix(entry.amazon_order_id) if daily else ""
            found[entry.amazon_order_id] = {
                "entry": (entry.state, entry.payment_applied, entry.auto_shipped),
                "sale": (
                    sale.customer_id,
                    sale.location_id,
                    sale.price_tier_id,
                    sale.currency,
                    sale.sales_rep,
                    sale.ordered_at if not daily else None,
                    sale.billing_name,
                    sale.shipping_address,
                    sale.pick_status,
                    sale.pack_status,
                    sale.ship_status,
                ),
                "lines": [
                    (
                        line.kind,
                        line.charge_kind,
                        line.product_id,
                        line.sku,
                        line.description,
                        line.quantity,
                        line.unit_price,
                        line.tax_rule_id,
                        line.tax_given,
                        line.net,
                        line.tax,
                        line.total,
                    )
                    for line in sale.lines
                    if line.description.startswith(mine)
                ],
                "shipments": [s.carrier for s in sale.shipments],
                "invoice": invoice
                and (
                    invoice.status,
                    None if daily else (invoice.total, invoice.tax_total, invoice.balance),
                    [
                        (p.amount, p.account_id, p.reference)
                        for p in invoice.payments
                        if p.reference == entry.amazon_order_id
                    ],
                ),
            }
    return found


@pytest.mark.parametrize("consolidation", ["NONE", "DAILY"])
@pytest.mark.parametrize("paid", [True, False], ids=["payment_account", "no_payment_account"])
@pytest.mark.parametrize("mode", ["NONE", "PICK", "PICK_PACK", "PICK_PACK_SHIP"])
async def test_or4_pr2_pr3_pa1_a_batch_makes_the_same_sales_as_one_order_at_a_time(
    gql, shop, amazon, scheduled, load, drain, sessions, monkeypatch, mode, paid, consolidation
):
    """PR-3 every fulfilment mode, PA-1 with and without a payment account, PR-1/PR-2 NONE and
    DAILY: the sales a batch download makes equal those made one order at a time."""
    store = await shop("NA", consolidation=consolidation)
    await _settings(gql, store, mode=mode, paid=paid)
    placed = await place_orders(amazon, store, sessions, 8)

    async def nothing_in_bulk(*_args, **_kwargs) -> set[str]:
        return set()

    async def processed() -> None:  # DAILY: the day's sale is made on "Process" (PR-1)
        if consolidation == "DAILY":
            await gql(PROCESS, role="operations", storeId=store.id)
            await drain()

    with monkeypatch.context() as patched:
        patched.setattr(order_service, "capture_and_sell", nothing_in_bulk)
        first = await scheduled(store.id)
        await processed()
    one_by_one = await _sales_by_order(sessions)
    assert set(one_by_one) >= set(placed)
    # Forget the orders (their sales stay, LG-2) and capture them again, a batch at a time.
    for row in await log_rows(gql, store.id):
        deleted = await gql(DELETE, role="operations", id=row["id"])
        assert deleted["data"]["deleteLogEntry"]["__typename"] == "LogEntryDeleted", deleted
    real, in_bulk = order_service.capture_and_sell, set()

    async def watched(*args, **kwargs) -> set[str]:
        done = await real(*args, **kwargs)
        in_bulk.update(done)
        return done

    monkeypatch.setattr(order_service, "capture_and_sell", watched)
    again = await load(store.id)  # a manual load for the range goes through the same batches
    await processed()
    in_batches = await _sales_by_order(sessions)

    # DAILY orders wait for the day's sale: the batch path leaves them to it.
    assert in_bulk >= set(placed) if consolidation == "NONE" else in_bulk == set()
    assert set(in_batches) >= set(one_by_one)
    assert {order: in_batches[order] for order in one_by_one} == one_by_one
    if consolidation == "NONE":
        assert again["processed"] >= first.processed  # and older orders the first run left
        assert await count(sessions, Sale) == first.processed + again["processed"]


async def test_or5_or8_unusual_orders_in_a_batch_still_get_their_own_handling(
    gql, shop, amazon, scheduled, sessions
):
    """A cancelled, a malformed and an unmapped order ride in the same batch as common ones."""
    store = await shop("NA", matchProducts="MANUAL")
    placed = await place_orders(amazon, store, sessions, 4)
    common, broken, cancelled, unmapped = placed
    await amazon("POST", f"/_sandbox/orders/{broken}/malformed")
    await amazon("POST", f"/_sandbox/orders/{cancelled}/cancel")
    await amazon("POST", "/_sandbox/clock", seconds=300)  # older than Amazon's 2 minutes
    # MANUAL matching: a listing we know but never linked stops its order (OR-5).
    item = next(i for i in placed[unmapped]["orderItems"] if i["product"].get("sellerSku"))
    async with sessions() as session, session.begin():
        session.add(
            CatalogEntry(
                store_id=int(store.id),
                marketplace_id=store.codes["US"],
                seller_sku=item["product"]["sellerSku"],
                asin=item["product"]["asin"],
                status=CatalogStatus.LISTED,
                first_seen_at=datetime.now(UTC),
                last_seen_at=datetime.now(UTC),
            )
        )

    run = await scheduled(store.id)

    rows = {r["amazonOrderId"]: r for r in await log_rows(gql, store.id)}
    assert rows[common]["state"] == "PROCESSED"
    assert cancelled not in rows and broken not in rows and unmapped not in rows
    reasons = {e["item"]: e["reason"] for e in run.errors}
    assert "bad_data" in reasons[broken] and "unmapped_product" in reasons[unmapped]
    items = (await gql(ATTENTION, storeId=store.id))["data"]["attentionItems"]
    assert {i["amazonOrderId"] for i in items} == {broken, unmapped}
    assert run.cancelled == 1


async def test_or3_a_batch_costs_the_same_statements_for_twelve_orders_as_for_three(
    gql, shop, amazon, scheduled, sessions, engine
):
    """The benchmark's claim in miniature: statements per batch, not per order."""
    store = await shop("NA")
    await _settings(gql, store)
    statements: list[str] = []

    def counting(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    async def run_with(orders: int) -> int:
        await place_orders(amazon, store, sessions, orders)
        statements.clear()
        event.listen(engine.sync_engine, "before_cursor_execute", counting)
        try:
            result = await scheduled(store.id)
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", counting)
        assert result.processed == orders
        return len(statements)

    await scheduled(store.id)  # the sandbox's own recent orders, out of the way
    few, many = await run_with(3), await run_with(12)
    assert many <= few + 6  # a new customer or price tier read may add a statement or two
    async with sessions() as session:
        states = set(await session.scalars(select(OrderLogEntry.state)))
        assert states == {LogState.PROCESSED}
        assert await session.scalar(select(AttentionItem.id)) is None
