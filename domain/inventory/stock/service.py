"""Locations, receipts, adjustments and stock-takes (IN-3), and the figures derived from them."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import InsufficientStock, InvalidValue
from skuport.domain.inventory.products.models import Product, ProductType
from skuport.domain.inventory.records import load, load_usable, unarchived
from skuport.domain.inventory.reference.service import checked_name
from skuport.domain.inventory.stock.ledger import (
    StockFigure,
    figures_for,
    lock_products,
    record_movement,
    sums,
)
from skuport.domain.inventory.stock.models import Location, MovementKind, StockMovement
from skuport.domain.inventory.values import decimal_value, required_text


async def create_location(session: AsyncSession, *, name: str) -> Location:
    """Create a stock location."""
    location = Location(name=await checked_name(session, Location, name))
    session.add(location)
    await session.flush()
    return location


async def list_locations(
    session: AsyncSession, *, include_archived: bool = False
) -> list[Location]:
    """The locations in use (every one with `include_archived`), by name."""
    statement = select(Location).order_by(Location.name)
    statement = unarchived(statement, Location, include_archived=include_archived)
    return list(await session.scalars(statement))


async def _stock_product(session: AsyncSession, product_id: int) -> Product:
    product = await load(session, Product, product_id, field="product_id")
    if product.type != ProductType.STOCK:
        raise InvalidValue("product_id", f"{product.sku} is a {product.type}, which holds no stock")
    return product


async def receive_stock(
    session: AsyncSession,
    *,
    product_id: int,
    location_id: int,
    quantity: Decimal,
    reason: str = "receipt",
) -> StockMovement:
    """Stock arrives at a location."""
    quantity = decimal_value(quantity, field="quantity", positive=True)
    await _stock_product(session, product_id)
    await load_usable(session, Location, location_id, field="location_id")
    movement = record_movement(
        session,
        kind=MovementKind.RECEIPT,
        product_id=product_id,
        location_id=location_id,
        on_hand=quantity,
        reason=required_text(reason, field="reason", max_length=400),
    )
    await session.flush()
    return movement


async def adjust_stock(
    session: AsyncSession,
    *,
    product_id: int,
    location_id: int,
    change: Decimal,
    reason: str,
) -> StockMovement:
    """Correct on hand by `change` (positive or negative), with a reason."""
    change = decimal_value(change, field="change")
    if change == 0:
        raise InvalidValue("change", "an adjustment must change the quantity")
    reason = required_text(reason, field="reason", max_length=400)
    await _stock_product(session, product_id)
    await load_usable(session, Location, location_id, field="location_id")
    await lock_products(session, [product_id])
    figure = (await figures_for(session, [(product_id, location_id)]))[(product_id, location_id)]
    if figure.on_hand + change < figure.picked:
        # On hand may never go negative, nor below what sales have already picked to ship.
        raise InsufficientStock(
            "change",
            f"on hand is {figure.on_hand} with {figure.picked} picked for sales; "
            f"cannot change it by {change}",
        )
    movement = record_movement(
        session,
        kind=MovementKind.ADJUSTMENT,
        product_id=product_id,
        location_id=location_id,
        on_hand=change,
        reason=reason,
    )
    await session.flush()
    return movement


async def count_stock(
    session: AsyncSession,
    *,
    product_id: int,
    location_id: int,
    counted: Decimal,
    reason: str = "stock-take",
) -> StockMovement | None:
    """Stock-take: set on hand to the counted quantity; None when the count matches."""
    counted = decimal_value(counted, field="counted", minimum=Decimal(0))
    await _stock_product(session, product_id)
    await load_usable(session, Location, location_id, field="location_id")
    await lock_products(session, [product_id])
    figure = (await figures_for(session, [(product_id, location_id)]))[(product_id, location_id)]
    if counted == figure.on_hand:
        return None
    return await adjust_stock(
        session,
        product_id=product_id,
        location_id=location_id,
        change=counted - figure.on_hand,
        reason=reason,
    )


async def stock_figures(
    session: AsyncSession, *, product_id: int | None = None, location_id: int | None = None
) -> list[StockFigure]:
    """Figures per product and location with any movement, filtered by product or location."""
    statement = select(StockMovement.product_id, StockMovement.location_id, *sums()).group_by(
        StockMovement.product_id, StockMovement.location_id
    )
    if product_id is not None:
        statement = statement.where(StockMovement.product_id == product_id)
    if location_id is not None:
        statement = statement.where(StockMovement.location_id == location_id)
    rows = await session.execute(
        statement.order_by(StockMovement.product_id, StockMovement.location_id)
    )
    return [
        StockFigure(product_id=p, location_id=loc, on_hand=oh, allocated=al, picked=pk)
        for p, loc, oh, al, pk in rows
    ]


async def stock_at(session: AsyncSession, *, product_id: int, location_id: int) -> StockFigure:
    """Figures of one product at one location."""
    figures = await figures_for(session, [(product_id, location_id)])
    return figures[(product_id, location_id)]


async def stock_everywhere(session: AsyncSession, *, product_id: int) -> StockFigure:
    """Figures of one product summed over all locations."""
    row = (
        await session.execute(select(*sums()).where(StockMovement.product_id == product_id))
    ).one()
    return StockFigure(
        product_id=product_id, location_id=None, on_hand=row[0], allocated=row[1], picked=row[2]
    )


async def list_movements(
    session: AsyncSession, *, product_id: int, location_id: int | None = None
) -> list[StockMovement]:
    """The ledger of one product (optionally at one location), oldest first."""
    statement = select(StockMovement).where(StockMovement.product_id == product_id)
    if location_id is not None:
        statement = statement.where(StockMovement.location_id == location_id)
    return list(await session.scalars(statement.order_by(StockMovement.id)))
