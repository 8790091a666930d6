"""A store's orders across a disconnect (ST-4, OR-3, OR-4).

Disconnecting a store gives back the stock its pending orders held (their allocation would
otherwise stay for ever, subtracted from every later stock push) and remembers, per seller
account and marketplace, the log entries of the orders it had captured. Connecting the same
seller account again turns them back into log entries of the new store before any download can
run, so an order captured before is skipped as it always was (OR-3) and keeps its sale: a
cancellation, a late payment or a shipment confirmation still finds it. The pending orders,
whose stock was given back and which have no sale, are captured again like new orders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, delete, exists, insert, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.inventory.stock.reservations import release_reservations
from skuport.domain.orders.models import (
    LOGGED_COLUMNS,
    OrderLogEntry,
    PendingOrder,
    RememberedOrder,
)
from skuport.domain.stores.models import Store


@dataclass(frozen=True)
class DisconnectedOrders:
    """What disconnecting a store did with its orders, in the seller's terms."""

    pending_orders_released: int
    units_released: Decimal
    captured_orders_remembered: int


async def let_go_of_orders(
    session: AsyncSession, *, store: Store, now: datetime
) -> DisconnectedOrders:
    """Before the store is deleted: release its pending orders' stock and remember the rest."""
    released, units = await _release_pending(session, store=store)
    remembered = await _remember_captured(session, store=store, now=now)
    return DisconnectedOrders(released, units, remembered)


async def _release_pending(session: AsyncSession, *, store: Store) -> tuple[int, Decimal]:
    references = list(
        await session.scalars(
            select(PendingOrder.reservation).where(
                PendingOrder.store_id == store.id, PendingOrder.reservation != ""
            )
        )
    )
    pending = len(references)
    held = await release_reservations(
        session, references=references, reason=f"store {store.name} disconnected"
    )
    units = sum((item.quantity for items in held.values() for item in items), Decimal(0))
    return pending, units


async def _remember_captured(session: AsyncSession, *, store: Store, now: datetime) -> int:
    """Copy the log entries of orders that are no longer pending, once per seller account."""
    entry, kept = OrderLogEntry, RememberedOrder
    already = exists().where(
        kept.selling_partner_id == store.selling_partner_id,
        kept.marketplace_id == entry.marketplace_id,
        kept.amazon_order_id == entry.amazon_order_id,
    )
    still_pending = exists().where(PendingOrder.log_entry_id == entry.id)
    source = select(
        literal(store.selling_partner_id),
        literal(now, kept.disconnected_at.type),
        *(getattr(entry, name) for name in LOGGED_COLUMNS),
    ).where(entry.store_id == store.id, ~still_pending, ~already)
    result = await session.execute(
        insert(kept.__table__).from_select(
            ["selling_partner_id", "disconnected_at", *LOGGED_COLUMNS], source
        )
    )
    return max(result.rowcount or 0, 0)  # type: ignore[attr-defined]


async def restore_remembered(session: AsyncSession, *, store: Store) -> int:
    """A newly connected store takes over the remembered orders of its seller account in its
    marketplaces, as its own log entries; how many."""
    kept = RememberedOrder
    marketplaces = [m.marketplace_id for m in store.marketplaces]
    mine = and_(
        kept.selling_partner_id == store.selling_partner_id,
        kept.marketplace_id.in_(marketplaces),
    )
    source = select(literal(store.id), *(getattr(kept, name) for name in LOGGED_COLUMNS)).where(
        mine
    )
    result = await session.execute(
        insert(OrderLogEntry.__table__).from_select(["store_id", *LOGGED_COLUMNS], source)
    )
    await session.execute(delete(kept).where(mine))
    return max(result.rowcount or 0, 0)  # type: ignore[attr-defined]
