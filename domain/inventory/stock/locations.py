"""Rename and retire stock locations (IN-3).

A location is archived only once it is empty: nothing on hand, allocated or picked there for
any product, and no store's settings pointing at it. Its ledger stays; an archived location
takes no new receipts, adjustments, counts or sales.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import RecordInUse
from skuport.domain.inventory.products.models import Product
from skuport.domain.inventory.records import load, set_archived
from skuport.domain.inventory.reference.service import checked_name
from skuport.domain.inventory.reference.usage import refuse_if_stores_use
from skuport.domain.inventory.stock.ledger import StockFigure
from skuport.domain.inventory.stock.models import Location
from skuport.domain.inventory.stock.service import stock_figures

# How many products a refusal names before it says "and N more".
_NAMED = 5


async def update_location(session: AsyncSession, *, location_id: int, name: str) -> Location:
    """Rename a location; the name stays unique, as on creation."""
    location = await load(session, Location, location_id, field="location_id", lock=True)
    location.name = await checked_name(session, Location, name, exclude_id=location.id)
    await session.flush()
    return location


async def archive_location(
    session: AsyncSession, *, location_id: int, archived: bool = True
) -> Location:
    """Archive an empty location no store uses, or restore an archived one."""
    location = await load(session, Location, location_id, field="location_id", lock=True)
    if archived and location.archived_at is None:
        await _refuse_unless_empty(session, location)
        await refuse_if_stores_use(session, location, field="location_id", action="archive it")
    set_archived(session, location, archived)
    await session.flush()
    return location


async def _refuse_unless_empty(session: AsyncSession, location: Location) -> None:
    held = [
        figure
        for figure in await stock_figures(session, location_id=location.id)
        if figure.on_hand or figure.allocated or figure.picked
    ]
    if not held:
        return
    skus = dict(
        (
            await session.execute(
                select(Product.id, Product.sku).where(
                    Product.id.in_([figure.product_id for figure in held])
                )
            )
        ).all()
    )
    held.sort(key=lambda figure: skus[figure.product_id])
    named = "; ".join(_holding(skus[figure.product_id], figure) for figure in held[:_NAMED])
    more = f"; and {len(held) - _NAMED} more products" if len(held) > _NAMED else ""
    raise RecordInUse(
        "location_id",
        f"{location.name} still holds stock of {len(held)} "
        f"product{'' if len(held) == 1 else 's'} ({named}{more}); ship, move or count it "
        "out before you archive the location",
    )


def _holding(sku: str, figure: StockFigure) -> str:
    parts = [f"{figure.on_hand.normalize():f} on hand"]
    if figure.allocated:
        parts.append(f"{figure.allocated.normalize():f} allocated")
    if figure.picked:
        parts.append(f"{figure.picked.normalize():f} picked")
    return f"{sku}: {', '.join(parts)}"
