"""Applying Amazon's orders (OR-2 … OR-9): capture (and process), cancel, hold or skip each.

Every function here takes `UnitsOfWork`: Amazon is asked (for unknown products) before a unit
of work opens, and each batch of orders is one unit of work, which publishes its availability
changes and notifications once it commits.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from skuport.domain.amazon.catalog_items import CatalogItem
from skuport.domain.amazon.orders import FulfillmentStatus, Order
from skuport.domain.errors import DomainError
from skuport.domain.jobs import RunRecorder
from skuport.domain.orders.attention import clear_order
from skuport.domain.orders.bulk import capture_and_sell
from skuport.domain.orders.cancellation import cancel_captured
from skuport.domain.orders.capture import (
    CAPTURED_WHEN,
    OrderSkipped,
    SkipReason,
    capture_order,
    reserve_pending,
)
from skuport.domain.orders.models import LogState, OrderLogEntry
from skuport.domain.orders.outcomes import Outcome, count, flag_and_notify, hold_seen, note_skip
from skuport.domain.orders.processing import apply_late_payment, make_sales
from skuport.domain.orders.products import fetch_products_of
from skuport.domain.orders.source import Fetched
from skuport.domain.stock_sync.holds import release_uncaptured
from skuport.domain.stores.models import Consolidation, Store
from skuport.domain.unit_of_work import UnitOfWork, UnitsOfWork

log = logging.getLogger(__name__)

# Orders applied per transaction (each in its own savepoint).
BATCH = 100

__all__ = ["BATCH", "Outcome", "apply_fetched", "handle_order", "record_skip"]


async def apply_fetched(
    *, units: UnitsOfWork, gateway: Any, store: Store, fetched: Fetched, run: RunRecorder
) -> None:
    """Apply the fetched orders in batches, counting what happened to each."""
    for bad in fetched.bad:
        skip = OrderSkipped(SkipReason.BAD_DATA, bad.problem)
        outcome = await record_skip(
            units=units, store=store, order_id=bad.order_id, order=None, skip=skip
        )
        count(run, bad.order_id, outcome)
    # One order for every run: two runs meeting on the same orders queue rather than deadlock.
    orders = sorted(fetched.orders, key=lambda o: (o.last_updated, o.order_id))
    for start in range(0, len(orders), BATCH):
        chunk = orders[start : start + BATCH]
        try:
            outcomes = await _apply_batch(units=units, gateway=gateway, store=store, orders=chunk)
        except Exception:
            # Something the per-order savepoints could not contain (a lost connection, a
            # deadlock): nothing of the batch was kept, so apply it again order by order.
            log.exception("a batch of orders of store %s failed; retrying one by one", store.id)
            outcomes = [await _apply_alone(units, gateway, store, o) for o in chunk]
        for order, outcome in zip(chunk, outcomes, strict=True):
            count(run, order.order_id, outcome)
        await run.progress(f"{start + len(chunk)} of {len(orders)} orders applied")


async def _apply_alone(units: UnitsOfWork, gateway: Any, store: Store, order: Order) -> Outcome:
    try:
        return await handle_order(units=units, gateway=gateway, store=store, order=order)
    except Exception as exc:
        # One bad order never stops the run (OR-8): it waits in the attention queue.
        log.exception("order %s of store %s failed", order.order_id, store.id)
        skip = OrderSkipped(SkipReason.UNEXPECTED_ERROR, f"{type(exc).__name__}: {exc}")
        return await record_skip(
            units=units, store=store, order_id=order.order_id, order=order, skip=skip
        )


async def _apply_batch(
    *, units: UnitsOfWork, gateway: Any, store: Store, orders: list[Order]
) -> list[Outcome]:
    """Apply orders in one unit of work, each in a savepoint: one commit and one stock event
    round per batch instead of per order, and still one bad order spoils nothing else."""
    capturable = CAPTURED_WHEN[store.settings.load_orders_when]
    fetched = await fetch_products_of(
        units, gateway, store, [o for o in orders if o.status in capturable]
    )
    outcomes: list[Outcome] = []
    async with units() as uow:
        # The common case, the whole batch at once; the rest one by one below.
        done = await capture_and_sell(uow.session, store=store, orders=orders, now=uow.now())
        for order in orders:
            if order.order_id in done:
                outcomes.append(Outcome("processed"))
                continue
            try:
                async with uow.savepoint():
                    outcome = await _apply(
                        uow, store=store, order=order, fetched=fetched.get(order.order_id, {})
                    )
            except OrderSkipped as skip:
                outcome = await note_skip(
                    uow.session,
                    store=store,
                    order_id=order.order_id,
                    order=order,
                    skip=skip,
                    now=uow.now(),
                )
            outcomes.append(outcome)
    return outcomes


async def handle_order(*, units: UnitsOfWork, gateway: Any, store: Store, order: Order) -> Outcome:
    """Apply one Amazon order: capture (and process), cancel, hold or skip it."""
    fetched: Mapping[str, CatalogItem | None] = {}
    if order.status in CAPTURED_WHEN[store.settings.load_orders_when]:
        found = await fetch_products_of(units, gateway, store, [order])
        fetched = found.get(order.order_id, {})
    try:
        async with units() as uow:
            return await _apply(uow, store=store, order=order, fetched=fetched)
    except OrderSkipped as skip:
        return await record_skip(
            units=units, store=store, order_id=order.order_id, order=order, skip=skip
        )


async def _apply(
    uow: UnitOfWork, *, store: Store, order: Order, fetched: Mapping[str, CatalogItem | None]
) -> Outcome:
    entry = await uow.session.scalar(
        select(OrderLogEntry).where(
            OrderLogEntry.store_id == store.id, OrderLogEntry.amazon_order_id == order.order_id
        )
    )
    if order.status is FulfillmentStatus.CANCELLED:
        return await _cancel(uow, store=store, order=order, entry=entry)
    if entry is not None:
        return await _seen_again(uow, store=store, order=order, entry=entry)
    if order.status is FulfillmentStatus.UNFULFILLABLE:
        raise OrderSkipped(SkipReason.UNFULFILLABLE, "Amazon says the order cannot be fulfilled")
    if order.status not in CAPTURED_WHEN[store.settings.load_orders_when]:
        # Seen, not captured yet (OR-2): the stock push still subtracts its units (SY-3).
        await hold_seen(uow.session, store=store, order=order, now=uow.now())
        return Outcome("held", detail=f"{order.status} orders are not captured")
    return await _capture(uow, store=store, order=order, fetched=fetched)


async def _cancel(
    uow: UnitOfWork, *, store: Store, order: Order, entry: OrderLogEntry | None
) -> Outcome:
    session = uow.session
    await release_uncaptured(session, store_id=store.id, amazon_order_id=order.order_id)
    await clear_order(session, store_id=store.id, amazon_order_id=order.order_id)
    if entry is None:
        return Outcome("cancelled", detail="cancelled before capture")
    if entry.state in (LogState.CANCELLED, LogState.VOIDED):
        return Outcome("seen")
    how = await cancel_captured(session, store=store, entry=entry)
    entry.amazon_status, entry.amazon_updated_at = order.status.value, order.last_updated  # type: ignore[union-attr]
    return Outcome("cancelled", detail=how)


async def _seen_again(
    uow: UnitOfWork, *, store: Store, order: Order, entry: OrderLogEntry
) -> Outcome:
    if order.status is not None:
        entry.amazon_status = order.status.value
    entry.amazon_updated_at = max(entry.amazon_updated_at, order.last_updated)
    if (
        order.grand_total is not None
        and order.status in CAPTURED_WHEN[store.settings.load_orders_when]
    ):
        await apply_late_payment(
            uow.session, store=store, entry=entry, amount=order.grand_total.amount, now=uow.now()
        )
    return Outcome("skipped", SkipReason.ALREADY_CAPTURED, "the order has a log entry")


async def _capture(
    uow: UnitOfWork, *, store: Store, order: Order, fetched: Mapping[str, CatalogItem | None]
) -> Outcome:
    session, now = uow.session, uow.now()
    at_once = store.settings.consolidation is Consolidation.NONE
    pending = await capture_order(
        session, store=store, order=order, now=now, fetched=fetched, reserve=not at_once
    )
    await clear_order(session, store_id=store.id, amazon_order_id=order.order_id)
    if not at_once:
        return Outcome("captured")
    try:
        async with uow.savepoint():
            await make_sales(session, store=store, pending=[pending], now=now)
    except (DomainError, OrderSkipped) as exc:
        # Captured; allocated now, and processing waits in the attention queue until retried.
        await session.refresh(pending)
        await reserve_pending(session, pending=pending)
        detail = getattr(exc, "detail", None) or str(exc)
        await flag_and_notify(
            session,
            store=store,
            order_id=order.order_id,
            marketplace_id=order.marketplace_id or "",
            stage="processing",
            reason=SkipReason.PROCESSING_FAILED,
            detail=detail,
            now=now,
        )
        return Outcome("captured", SkipReason.PROCESSING_FAILED, detail)
    return Outcome("processed")


async def record_skip(
    *, units: UnitsOfWork, store: Store, order_id: str, order: Order | None, skip: OrderSkipped
) -> Outcome:
    """`note_skip` in a unit of work of its own."""
    async with units() as uow:
        return await note_skip(
            uow.session, store=store, order_id=order_id, order=order, skip=skip, now=uow.now()
        )
