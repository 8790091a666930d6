"""Drop-ship purchase orders (IN-6): one per supplier for a sale's drop-ship lines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.inventory.products.models import Product
from skuport.domain.inventory.purchasing.models import (
    DropShipOrder,
    DropShipOrderLine,
    PurchaseOrderStatus,
)

if TYPE_CHECKING:
    from skuport.domain.inventory.sales.models import Sale, SaleLine


async def order_drop_ship_lines(
    session: AsyncSession, *, sale: Sale, lines: Sequence[tuple[SaleLine, Product]]
) -> list[DropShipOrder]:
    """Create a purchase order per supplier for drop-ship lines, shipping to the customer."""
    by_supplier: dict[int, DropShipOrder] = {}
    for line, product in lines:
        assert product.supplier_id is not None  # drop-ship products always have one
        order = by_supplier.get(product.supplier_id)
        if order is None:
            order = DropShipOrder(
                supplier_id=product.supplier_id,
                sale_id=sale.id,
                status=PurchaseOrderStatus.ORDERED,
                ship_to=dict(sale.shipping_address),
                lines=[],
            )
            by_supplier[product.supplier_id] = order
            session.add(order)
        order.lines.append(
            DropShipOrderLine(product_id=product.id, sale_line_id=line.id, quantity=line.quantity)
        )
    return list(by_supplier.values())


async def drop_ship_orders_of_sale(session: AsyncSession, *, sale_id: int) -> list[DropShipOrder]:
    """The drop-ship purchase orders created for a sale."""
    result = await session.scalars(
        select(DropShipOrder).where(DropShipOrder.sale_id == sale_id).order_by(DropShipOrder.id)
    )
    return list(result)


async def cancel_drop_ship_orders(session: AsyncSession, *, sale_id: int) -> None:
    """Cancel a (voided) sale's drop-ship purchase orders; they stay on record."""
    for order in await drop_ship_orders_of_sale(session, sale_id=sale_id):
        order.status = PurchaseOrderStatus.CANCELLED
