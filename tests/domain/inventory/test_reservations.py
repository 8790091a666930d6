"""IN-3 reservations: an Amazon pending order holds stock before its sale task exists (OR-4)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import NotFound
from skuport.domain.events import EventBus
from skuport.domain.inventory.events import AvailabilityChanged, publish_availability_changes
from skuport.domain.inventory.models import ProductType
from skuport.domain.inventory.products.service import KitLine, create_product
from skuport.domain.inventory.sales.lines import ProductLine
from skuport.domain.inventory.sales.service import create_sale
from skuport.domain.inventory.stock.reservations import (
    release_reservation,
    reserve_stock,
    reserved_stock,
)
from skuport.domain.inventory.stock.service import receive_stock, stock_at
from tests.domain.inventory.conftest import Shop, row_counts, stock_product

ORDER = "amazon:111-2223334-5556667"


async def test_in3_a_pending_order_reserves_stock_that_its_sale_then_takes_over(
    session: AsyncSession, shop: Shop
):
    bus, seen = EventBus(), []
    bus.on(AvailabilityChanged, seen.append)
    cup = await stock_product(session, shop, "CUP")
    kit = await create_product(
        session,
        sku="SET",
        name="Set",
        type=ProductType.KIT,
        components=[KitLine(cup.id, Decimal(2))],
    )
    await receive_stock(
        session, product_id=cup.id, location_id=shop.warehouse.id, quantity=Decimal(10)
    )
    await reserve_stock(
        session,
        reference=ORDER,
        location_id=shop.warehouse.id,
        items=[(cup.id, Decimal(1)), (kit.id, Decimal(1))],
    )
    await session.commit()
    await publish_availability_changes(session, bus=bus)
    held = await stock_at(session, product_id=cup.id, location_id=shop.warehouse.id)
    seen.clear()

    await release_reservation(session, reference=ORDER, reason="processed")
    await create_sale(
        session,
        customer_id=shop.customer.id,
        location_id=shop.warehouse.id,
        lines=[
            ProductLine(cup.id, Decimal(1)),
            ProductLine(kit.id, Decimal(1), unit_price=Decimal(5), tax_rule_id=shop.vat.id),
        ],
    )
    await session.commit()

    after = await stock_at(session, product_id=cup.id, location_id=shop.warehouse.id)
    assert (held.allocated, held.available) == (3, 7)
    assert (after.allocated, after.available) == (3, 7)
    assert await reserved_stock(session, reference=ORDER) == []
    assert await publish_availability_changes(session, bus=bus) == [] and seen == []


async def test_in3_releasing_a_reservation_twice_is_refused(session: AsyncSession, shop: Shop):
    cup = await stock_product(session, shop, "CUP")
    await reserve_stock(
        session, reference=ORDER, location_id=shop.warehouse.id, items=[(cup.id, Decimal(1))]
    )
    await release_reservation(session, reference=ORDER)
    await session.commit()
    before = await row_counts(session)

    with pytest.raises(NotFound) as refused:
        await release_reservation(session, reference=ORDER)
    await session.commit()

    assert refused.value.field == "reference"
    assert await row_counts(session) == before
