"""BX-6: an opt-in opening-stock import on the first catalog load (CA-5 imports none)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.inventory.products.models import Product, ProductType
from skuport.domain.inventory.stock.models import StockMovement
from skuport.domain.inventory.stock.service import receive_stock
from skuport.domain.listings.models import CatalogEntry, CatalogStatus, Fulfilment

REASON = "opening stock from Amazon"


@dataclass
class OpeningStock:
    """What the import received, and the products it left alone, with why."""

    received: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)


async def import_opening_stock(
    session: AsyncSession, *, store_id: int, location_id: int | None
) -> OpeningStock:
    """Receive each linked product's Amazon quantity, only for products with no stock history.

    A global SKU shows the same quantity in every marketplace, so a product gets the largest
    quantity among its merchant-fulfilled listings, not their sum. FBA stock is Amazon's.
    """
    result = OpeningStock()
    if location_id is None:
        result.skipped.append(("store", "choose an FBM location to import opening stock into"))
        return result
    quantities = await session.execute(
        select(CatalogEntry.product_id, func.max(CatalogEntry.quantity))
        .where(
            CatalogEntry.store_id == store_id,
            CatalogEntry.product_id.is_not(None),
            CatalogEntry.fulfilment == Fulfilment.FBM,
            CatalogEntry.status != CatalogStatus.CANCELED,
            CatalogEntry.quantity > 0,
        )
        .group_by(CatalogEntry.product_id)
    )
    wanted = {product_id: Decimal(quantity) for product_id, quantity in quantities.all()}
    if not wanted:
        return result
    with_history = set(
        (
            await session.scalars(
                select(StockMovement.product_id)
                .where(StockMovement.product_id.in_(wanted))
                .distinct()
            )
        ).all()
    )
    products = {
        p.id: p for p in await session.scalars(select(Product).where(Product.id.in_(wanted)))
    }
    for product_id, quantity in sorted(wanted.items()):
        product = products[product_id]
        if product_id in with_history:
            result.skipped.append((product.sku, "already has stock movements: not an opening"))
        elif product.type is not ProductType.STOCK or product.drop_ship:
            result.skipped.append((product.sku, "not a stocked product"))
        else:
            await receive_stock(
                session,
                product_id=product_id,
                location_id=location_id,
                quantity=quantity,
                reason=REASON,
            )
            result.received += 1
    return result
