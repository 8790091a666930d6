"""Helpers shared by the IN-5 sale tests: stocked products, sales, stock figures."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.inventory.sales.service import create_sale
from skuport.domain.inventory.stock.service import receive_stock, stock_at
from tests.domain.inventory.conftest import Shop, stock_product


async def _stocked(session: AsyncSession, shop: Shop, sku: str, quantity: int):
    product = await stock_product(session, shop, sku)
    if quantity:
        await receive_stock(
            session,
            product_id=product.id,
            location_id=shop.warehouse.id,
            quantity=Decimal(quantity),
        )
    return product


async def _sell(session: AsyncSession, shop: Shop, *lines, **options):
    return await create_sale(
        session,
        customer_id=shop.customer.id,
        location_id=shop.warehouse.id,
        lines=list(lines),
        **options,
    )


async def _figures(session: AsyncSession, shop: Shop, product):
    figure = await stock_at(session, product_id=product.id, location_id=shop.warehouse.id)
    return figure.on_hand, figure.allocated, figure.available
