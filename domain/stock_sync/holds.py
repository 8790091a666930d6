"""SY-3: units of orders Amazon has but we have not captured, subtracted from pushed stock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.stock_sync.models import UncapturedHold


async def hold_uncaptured(
    session: AsyncSession,
    *,
    store_id: int,
    amazon_order_id: str,
    items: Sequence[tuple[str, Decimal]],
    now: datetime,
) -> None:
    """Remember an order's (seller SKU, quantity) items until it is captured or cancelled."""
    await release_uncaptured(session, store_id=store_id, amazon_order_id=amazon_order_id)
    totals: dict[str, Decimal] = {}
    for sku, quantity in items:
        totals[sku] = totals.get(sku, Decimal(0)) + quantity
    session.add_all(
        UncapturedHold(
            store_id=store_id,
            amazon_order_id=amazon_order_id,
            seller_sku=sku,
            quantity=quantity,
            seen_at=now,
        )
        for sku, quantity in totals.items()
    )
    await session.flush()


async def release_uncaptured(session: AsyncSession, *, store_id: int, amazon_order_id: str) -> None:
    """Forget an order's holds: it was captured (its stock is allocated now) or cancelled."""
    await session.execute(
        delete(UncapturedHold).where(
            UncapturedHold.store_id == store_id,
            UncapturedHold.amazon_order_id == amazon_order_id,
        )
    )


async def held_quantities(session: AsyncSession, *, store_id: int) -> dict[str, Decimal]:
    """Units held per seller SKU for a store."""
    rows = await session.execute(
        select(UncapturedHold.seller_sku, func.sum(UncapturedHold.quantity))
        .where(UncapturedHold.store_id == store_id)
        .group_by(UncapturedHold.seller_sku)
    )
    return {sku: Decimal(total) for sku, total in rows.all()}
