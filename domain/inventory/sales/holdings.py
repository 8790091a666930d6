"""What stock one sale holds, read from the ledger: allocated, picked and shipped per line."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.inventory.stock.models import MovementKind, StockMovement

ZERO = Decimal(0)


@dataclass
class Holding:
    """One sale line's stake in one product at one location."""

    sale_line_id: int
    product_id: int
    location_id: int
    allocated: Decimal = ZERO
    picked: Decimal = ZERO
    shipped: Decimal = ZERO
    restocked: Decimal = ZERO


async def sale_holdings(session: AsyncSession, *, sale_id: int) -> list[Holding]:
    """The sale's holdings, one per (line, product, location) that ever had a movement."""
    rows = await session.execute(
        select(
            StockMovement.sale_line_id,
            StockMovement.product_id,
            StockMovement.location_id,
            StockMovement.kind,
            func.sum(StockMovement.on_hand_delta),
            func.sum(StockMovement.allocated_delta),
            func.sum(StockMovement.picked_delta),
        )
        .where(StockMovement.sale_id == sale_id)
        .group_by(
            StockMovement.sale_line_id,
            StockMovement.product_id,
            StockMovement.location_id,
            StockMovement.kind,
        )
    )
    holdings: dict[tuple[int, int, int], Holding] = {}
    shipped: dict[tuple[int, int, int], Decimal] = defaultdict(Decimal)
    for line_id, product_id, location_id, kind, on_hand, allocated, picked in rows:
        key = (line_id, product_id, location_id)
        holding = holdings.setdefault(key, Holding(line_id, product_id, location_id))
        holding.allocated += allocated
        holding.picked += picked
        if kind in (MovementKind.SHIPMENT, MovementKind.VOID_REVERSAL):
            shipped[key] -= on_hand
        elif kind == MovementKind.RESTOCK:
            holding.restocked += on_hand
    for key, quantity in shipped.items():
        holdings[key].shipped = quantity
    return sorted(holdings.values(), key=lambda h: (h.sale_line_id, h.product_id))
