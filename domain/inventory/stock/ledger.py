"""The stock ledger: record movements, derive figures, and lock stock against races.

Figures are sums over the ledger, never counters. Concurrency: every service that checks and
then moves stock first locks the product rows involved (`lock_products`, in id order so two
sales never deadlock). On PostgreSQL that is `SELECT … FOR UPDATE`; under READ COMMITTED the
sums read after the lock include whatever the previous holder committed. On SQLite every
transaction already holds the database's write lock from its first statement (BEGIN
IMMEDIATE), so writers are serialised and the lock query is a no-op.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from domain.inventory.catalog.models import Product
from domain.inventory.events import note_availability_change
from domain.inventory.stock.models import MovementKind, StockMovement

ZERO = Decimal(0)


@dataclass(frozen=True)
class StockFigure:
    """Stock of one product at one location (`location_id` None: all locations together)."""

    product_id: int
    location_id: int | None
    on_hand: Decimal = ZERO
    allocated: Decimal = ZERO
    picked: Decimal = ZERO

    @property
    def available(self) -> Decimal:
        """On hand minus allocated; negative when sales are backordered."""
        return self.on_hand - self.allocated

    @property
    def unpicked_on_hand(self) -> Decimal:
        """On hand not yet set aside by a pick: what a new pick may take."""
        return self.on_hand - self.picked


async def lock_products(session: AsyncSession, product_ids: Iterable[int]) -> None:
    """Lock the products' stock for the rest of the transaction (no-op on SQLite)."""
    ids = sorted(set(product_ids))
    if ids and session.get_bind().dialect.name == "postgresql":
        await session.execute(
            select(Product.id).where(Product.id.in_(ids)).order_by(Product.id).with_for_update()
        )


def sums() -> tuple[Any, Any, Any]:
    """SQL sums of on hand, allocated and picked deltas."""
    return (
        func.coalesce(func.sum(StockMovement.on_hand_delta), ZERO),
        func.coalesce(func.sum(StockMovement.allocated_delta), ZERO),
        func.coalesce(func.sum(StockMovement.picked_delta), ZERO),
    )


async def figures_for(
    session: AsyncSession, pairs: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], StockFigure]:
    """Figures for each (product, location) pair; pairs without movements are all zero."""
    wanted = sorted(set(pairs))
    result = {(p, loc): StockFigure(product_id=p, location_id=loc) for p, loc in wanted}
    if not wanted:
        return result
    rows = await session.execute(
        select(StockMovement.product_id, StockMovement.location_id, *sums())
        .where(tuple_(StockMovement.product_id, StockMovement.location_id).in_(wanted))
        .group_by(StockMovement.product_id, StockMovement.location_id)
    )
    for product_id, location_id, on_hand, allocated, picked in rows:
        result[(product_id, location_id)] = StockFigure(
            product_id=product_id,
            location_id=location_id,
            on_hand=Decimal(on_hand),
            allocated=Decimal(allocated),
            picked=Decimal(picked),
        )
    return result


def record_movement(
    session: AsyncSession,
    *,
    kind: MovementKind,
    product_id: int,
    location_id: int,
    on_hand: Decimal = ZERO,
    allocated: Decimal = ZERO,
    picked: Decimal = ZERO,
    reason: str = "",
    sale_id: int | None = None,
    sale_line_id: int | None = None,
    credit_note_id: int | None = None,
    reference: str | None = None,
) -> StockMovement:
    """Append one movement to the ledger and note its effect on availability (IN-8)."""
    movement = StockMovement(
        kind=kind,
        product_id=product_id,
        location_id=location_id,
        on_hand_delta=on_hand,
        allocated_delta=allocated,
        picked_delta=picked,
        reason=reason,
        sale_id=sale_id,
        sale_line_id=sale_line_id,
        credit_note_id=credit_note_id,
        reference=reference,
    )
    session.add(movement)
    if on_hand != allocated:
        note_availability_change(
            session, product_id=product_id, location_id=location_id, delta=on_hand - allocated
        )
    return movement
