"""IN-8 a change of available quantity is published after commit, never before or on rollback."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from skuport.domain.clock import SystemClock
from skuport.domain.db import transaction
from skuport.domain.events import EventBus
from skuport.domain.inventory.events import (
    AvailabilityChanged,
    publish_availability_changes,
)
from skuport.domain.inventory.sales.fulfilment import FulfilmentMode, fulfil_sale
from skuport.domain.inventory.sales.lines import ProductLine
from skuport.domain.inventory.sales.service import create_sale
from skuport.domain.inventory.sales.voiding import void_sale
from skuport.domain.inventory.stock.service import receive_stock
from skuport.domain.unit_of_work import UnitsOfWork
from tests.domain.inventory.conftest import Shop, stock_product


def _recording_bus() -> tuple[EventBus, list[AvailabilityChanged]]:
    bus, seen = EventBus(), []
    bus.on(AvailabilityChanged, seen.append)
    return bus, seen


async def test_in8_receipt_and_allocation_publish_the_new_availability_after_commit(
    session: AsyncSession, shop: Shop
):
    bus, seen = _recording_bus()
    product = await stock_product(session, shop, "P1")
    await receive_stock(
        session, product_id=product.id, location_id=shop.warehouse.id, quantity=Decimal(5)
    )
    await create_sale(
        session,
        customer_id=shop.customer.id,
        location_id=shop.warehouse.id,
        lines=[ProductLine(product.id, Decimal(2))],
    )

    assert await publish_availability_changes(session, bus=bus) == []  # not committed yet
    await session.commit()
    published = await publish_availability_changes(session, bus=bus)

    assert published == seen == [AvailabilityChanged(product.id, shop.warehouse.id, Decimal(3))]
    assert await publish_availability_changes(session, bus=bus) == []  # published once


async def test_in8_a_rolled_back_change_is_never_published(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession, shop: Shop
):
    bus, seen = _recording_bus()
    product = await stock_product(session, shop, "P1")
    await session.commit()

    await receive_stock(
        session, product_id=product.id, location_id=shop.warehouse.id, quantity=Decimal(5)
    )
    await session.rollback()
    await session.commit()

    assert await publish_availability_changes(session, bus=bus) == []
    assert seen == []


async def test_in8_shipping_publishes_nothing_but_voiding_a_shipped_sale_does(
    sessions: async_sessionmaker[AsyncSession], shop: Shop
):
    bus, seen = _recording_bus()
    async with transaction(sessions) as session:
        product = await stock_product(session, shop, "P1")
        await receive_stock(
            session, product_id=product.id, location_id=shop.warehouse.id, quantity=Decimal(5)
        )
        sale = await create_sale(
            session,
            customer_id=shop.customer.id,
            location_id=shop.warehouse.id,
            lines=[ProductLine(product.id, Decimal(2))],
        )
    await publish_availability_changes(session, bus=bus)
    seen.clear()

    async with transaction(sessions) as session:
        await fulfil_sale(
            session, sale_id=sale.id, mode=FulfilmentMode.PICK_PACK_SHIP, carrier="UPS"
        )
    shipped = await publish_availability_changes(session, bus=bus)
    async with transaction(sessions) as session:
        await void_sale(session, sale_id=sale.id)
    voided = await publish_availability_changes(session, bus=bus)

    assert shipped == []  # on hand and allocated both fell by 2: available is unchanged
    assert voided == [AvailabilityChanged(product.id, shop.warehouse.id, Decimal(5))]


async def test_in8_a_unit_of_work_publishes_only_what_it_committed(
    sessions: async_sessionmaker[AsyncSession], shop: Shop
):
    bus, seen = _recording_bus()
    units = UnitsOfWork(sessions, clock=SystemClock(), bus=bus)
    async with units() as uow:
        session = uow.session
        product = await stock_product(session, shop, "P1")
        await receive_stock(
            session, product_id=product.id, location_id=shop.warehouse.id, quantity=Decimal(4)
        )
        assert seen == []  # nothing before the commit

    with pytest.raises(RuntimeError):
        async with units() as uow:
            await receive_stock(
                uow.session,
                product_id=product.id,
                location_id=shop.warehouse.id,
                quantity=Decimal(1),
            )
            raise RuntimeError("the request failed after the receipt")

    assert seen == [AvailabilityChanged(product.id, shop.warehouse.id, Decimal(4))]
