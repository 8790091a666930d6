"""OR-2 … OR-7: an Amazon order becomes a pending order with its stock allocated, or a skip."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.amazon.catalog_items import CatalogItem
from skuport.domain.amazon.orders import Order
from skuport.domain.inventory.stock.reservations import reserve_stock
from skuport.domain.inventory.stock.service import list_locations, stock_figures
from skuport.domain.orders.capture_rules import (
    CAPTURED_WHEN,
    NOT_YET,
    QUIET,
    OrderSkipped,
    SkipReason,
    check_order,
    fulfilled_by_amazon,
    set_location,
)
from skuport.domain.orders.matching import (
    LineMatcher,
    Match,
    NeedsAmazon,
    match_lines,
    needs_fetching,
)
from skuport.domain.orders.models import (
    LogState,
    OrderFulfilment,
    OrderLogEntry,
    PendingOrder,
)
from skuport.domain.orders.pending import pending_order, reservation_reference
from skuport.domain.orders.restricted import capture_note, observe_personal_data
from skuport.domain.stock_sync.holds import release_uncaptured
from skuport.domain.stores.models import Store, StoreSettings

__all__ = [  # the capture's names, wherever they are defined
    "CAPTURED_WHEN",
    "NOT_YET",
    "QUIET",
    "LineMatcher",
    "Match",
    "NeedsAmazon",
    "OrderSkipped",
    "SkipReason",
    "capture_order",
    "check_order",
    "fulfilled_by_amazon",
    "log_entry",
    "needs_fetching",
    "pending_order",
    "reservation_reference",
    "reserve_pending",
    "set_location",
]


async def capture_order(
    session: AsyncSession,
    *,
    store: Store,
    order: Order,
    now: datetime,
    fetched: Mapping[str, CatalogItem | None] | None = None,
    reserve: bool = True,
) -> PendingOrder:
    """Save the order as a pending order and allocate its stock; raise OrderSkipped if not.

    `reserve=False` leaves the allocation to the sale made in the same transaction (PR-1,
    NONE); should that fail, `reserve_pending` allocates for the pending order after all.
    """
    settings = store.settings
    entry = await _claim(session, store=store, order=order, now=now)
    check_order(store, order)
    fba = fulfilled_by_amazon(store, order)
    matches = await match_lines(session, store=store, order=order, fetched=fetched or {})
    product_ids = [m.product_id for m in matches if m.product_id is not None]
    location_id = await _location(session, settings, fba=fba, product_ids=product_ids)
    pending = pending_order(store, order, entry, matches, location_id)
    await observe_personal_data(session, store, order)
    session.add(pending)
    await session.flush()
    if reserve:
        await reserve_pending(session, pending=pending)
    await release_uncaptured(session, store_id=store.id, amazon_order_id=order.order_id)
    return pending


async def reserve_pending(session: AsyncSession, *, pending: PendingOrder) -> None:
    """OR-4: allocate the pending order's products at its location, under its reference."""
    items = [(line.product_id, line.quantity) for line in pending.lines if line.product_id]
    if items and pending.location_id is not None:
        await reserve_stock(
            session, reference=pending.reservation, location_id=pending.location_id, items=items
        )


async def _claim(
    session: AsyncSession, *, store: Store, order: Order, now: datetime
) -> OrderLogEntry:
    """OR-3: the log entry first — its unique key makes a second capture fail right here."""
    entry = log_entry(store, order, now)
    try:
        async with session.begin_nested():
            session.add(entry)
    except IntegrityError:
        raise OrderSkipped(SkipReason.ALREADY_CAPTURED, "the order has a log entry") from None
    return entry


def log_entry(store: Store, order: Order, now: datetime) -> OrderLogEntry:
    """The order's log entry as captured now (state PENDING), not yet saved."""
    return OrderLogEntry(
        store_id=store.id,
        marketplace_id=order.marketplace_id or "",
        amazon_order_id=order.order_id,
        amazon_status=order.status.value if order.status else "",
        fulfilment=OrderFulfilment.FBA if order.fulfilled_by == "AMAZON" else OrderFulfilment.FBM,
        purchased_at=order.created,
        amazon_updated_at=order.last_updated,
        captured_at=now,
        state=LogState.PENDING,
        note=capture_note(store, order),
    )


async def _location(
    session: AsyncSession, settings: StoreSettings, *, fba: bool, product_ids: list[int]
) -> int:
    """OR-4/OR-7: the FBA location, the FBM location, or with "all locations" the best one."""
    named = set_location(settings, fba=fba)
    if named is not None:
        return named
    locations = await list_locations(session)
    if not locations:
        raise OrderSkipped(SkipReason.NO_LOCATION, "there is no stock location")
    # "All locations": allocate where most of the order's products are available.
    available = {location.id: Decimal(0) for location in locations}
    for product_id in set(product_ids):
        for figure in await stock_figures(session, product_id=product_id):
            if figure.location_id in available:
                available[figure.location_id] += max(figure.available, Decimal(0))
    return max(sorted(available), key=lambda location_id: available[location_id])
