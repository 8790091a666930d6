"""New orders of a NONE store, captured and processed together (OR-3 … OR-5, PR-1 … PR-3, PA-1).

The common case — a new order whose lines match by link or SKU, at the FBM or FBA location —
is taken for a whole batch at once: the rules are those of `capture` and `processing` (log
entry, pending order, customer, sale arguments, fulfilment, invoice, payment), the sales are
made by the back office's `create_sales`, and every table is read and written a fixed number
of times per batch. Whatever needs more — an order already known, a cancellation, a line
whose product must be fetched from Amazon, a MANUAL store's unlinked listing, "all
locations", an order the rules would skip or whose sale would be refused — is left to the
per-order path, which handles it as before (skip reasons, attention queue, notifications).
Nothing of a batch is kept if its log entries cannot all be written (another server captured
one of its orders meanwhile): every order then goes through the per-order path.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.amazon.orders import Order
from skuport.domain.inventory.reference.models import Customer, PriceTier
from skuport.domain.inventory.sales.batch import (
    PaymentRequest,
    SaleRequest,
    SaleResult,
    create_sales,
)
from skuport.domain.inventory.sales.bulk_insert import column_values
from skuport.domain.orders.capture import (
    CAPTURED_WHEN,
    LineMatcher,
    NeedsAmazon,
    OrderSkipped,
    check_order,
    fulfilled_by_amazon,
    log_entry,
    pending_order,
    set_location,
)
from skuport.domain.orders.models import AttentionItem, LogState, OrderLogEntry, PendingOrder
from skuport.domain.orders.processing import (
    auto_shipped,
    create_order_customer,
    customer_name,
    fulfilment_for,
    invoice_status_for,
    marketplace_tier,
    order_lines,
    pays_on_processing,
    sale_arguments,
)
from skuport.domain.orders.restricted import observe_personal_data
from skuport.domain.stock_sync.holds import UncapturedHold
from skuport.domain.stores.models import Consolidation, Store

log = logging.getLogger(__name__)


class _Elsewhere(Exception):
    """The order needs the per-order path."""


@dataclass
class _Taken:
    order: Order
    entry: OrderLogEntry
    pending: PendingOrder
    fba: bool


async def capture_and_sell(
    session: AsyncSession, *, store: Store, orders: Sequence[Order], now: datetime
) -> set[str]:
    """Capture and process what the common case covers; the Amazon ids of the orders done."""
    if store.settings.consolidation is not Consolidation.NONE or not orders:
        return set()
    capturable = CAPTURED_WHEN[store.settings.load_orders_when]
    ids = [o.order_id for o in orders]
    known = set(
        await session.scalars(
            select(OrderLogEntry.amazon_order_id).where(
                OrderLogEntry.store_id == store.id, OrderLogEntry.amazon_order_id.in_(ids)
            )
        )
    )
    seen: set[str] = set()
    wanted: list[Order] = []
    for order in orders:
        if order.status in capturable and order.order_id not in known | seen:
            wanted.append(order)
        seen.add(order.order_id)
    if not wanted:
        return set()
    match = await LineMatcher.load(session, store, wanted)
    taken: list[_Taken] = []
    for order in wanted:
        try:
            taken.append(_take(store, order, now, match))
        except (_Elsewhere, NeedsAmazon, OrderSkipped):
            continue  # the per-order path says why, in the log and the attention queue
    if not taken:
        return set()
    for item in taken:
        await observe_personal_data(session, store, item.order)
    try:
        async with session.begin_nested():
            return await _make_sales(session, store=store, taken=taken, now=now)
    except IntegrityError:
        log.info("store %s: an order of the batch was captured meanwhile; one by one", store.id)
        return set()


def _take(store: Store, order: Order, now: datetime, match: LineMatcher) -> _Taken:
    check_order(store, order)
    fba = fulfilled_by_amazon(store, order)
    location_id = set_location(store.settings, fba=fba)
    if location_id is None:
        raise _Elsewhere  # "all locations": the per-order path chooses for each order
    entry = log_entry(store, order, now)
    matches = [match(order, item) for item in order.items]
    return _Taken(order, entry, pending_order(store, order, entry, matches, location_id), fba)


async def _make_sales(
    session: AsyncSession, *, store: Store, taken: list[_Taken], now: datetime
) -> set[str]:
    customers = await _customers(session, store, [t.pending for t in taken])
    tiers: dict[str, PriceTier | None] = {}
    for item in taken:
        marketplace_id = item.pending.marketplace_id
        if marketplace_id not in tiers:
            tiers[marketplace_id] = await marketplace_tier(session, store, marketplace_id)
    requests = [
        _sale_request(store, item, customer_id, tiers[item.pending.marketplace_id], now)
        for item, customer_id in zip(taken, customers, strict=True)
    ]
    results = await create_sales(session, requests)
    done = [
        item for item, result in zip(taken, results, strict=True) if _log_sale(store, item, result)
    ]
    if not done:
        return set()
    await session.execute(
        OrderLogEntry.__table__.insert(), [column_values(item.entry) for item in done]
    )
    ids = [item.order.order_id for item in done]
    for model in (UncapturedHold, AttentionItem):
        await session.execute(
            delete(model).where(model.store_id == store.id, model.amazon_order_id.in_(ids))
        )
    return set(ids)


def _sale_request(
    store: Store, item: _Taken, customer_id: int, tier: PriceTier | None, now: datetime
) -> SaleRequest:
    """The sale `processing` would make of the pending order (PR-2, PR-3, PA-1)."""
    settings, pending = store.settings, item.pending
    mode, carrier = fulfilment_for(store, fba=item.fba)
    payment = None
    if pays_on_processing(store, pending):
        payment = PaymentRequest(
            account_id=settings.payment_account_id,  # type: ignore[arg-type]
            up_to=pending.total,
            paid_at=now,
            reference=pending.amazon_order_id,
        )
    return SaleRequest(
        lines=order_lines(pending, consolidated=False),
        **sale_arguments(store, [pending], customer_id=customer_id, tier=tier, now=now),
        fulfilment=mode,
        carrier=carrier,
        invoice_status=invoice_status_for(store),
        invoice_date=now,
        payment=payment,
    )


def _log_sale(store: Store, item: _Taken, result: SaleResult) -> bool:
    """The log entry of a sale the batch made; False when it was refused (the per-order path
    then captures the order and flags it, OR-8)."""
    if result.error is not None:
        return False
    entry = item.entry
    entry.state, entry.sale_id = LogState.PROCESSED, result.sale_id
    entry.payment_applied = pays_on_processing(store, item.pending)
    mode, _ = fulfilment_for(store, fba=item.fba)
    entry.auto_shipped = auto_shipped(mode, shipped=result.shipped)
    return True


async def _customers(session: AsyncSession, store: Store, pending: list[PendingOrder]) -> list[int]:
    """PR-2 for a batch: each order's customer, found by name in one query, else created."""
    names = [customer_name(store, p) for p in pending]
    wanted = {name.lower() for name in names if isinstance(name, str)}
    ids: dict[str, int] = {}
    if wanted:
        for customer_id, name in await session.execute(
            select(Customer.id, Customer.name)
            .where(func.lower(Customer.name).in_(wanted))
            .order_by(Customer.id)
        ):
            ids.setdefault(name.lower(), customer_id)
    result = []
    for order, name in zip(pending, names, strict=True):
        if isinstance(name, int):
            result.append(name)
            continue
        if name.lower() not in ids:
            ids[name.lower()] = await create_order_customer(session, name=name, order=order)
        result.append(ids[name.lower()])
    return result
