"""IN-5 sale tasks: allocation on order, pick, pack, ship and fulfilment modes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import InvalidState, InvalidValue
from skuport.domain.inventory.models import (
    SaleStatus,
    StageStatus,
)
from skuport.domain.inventory.sales.fulfilment import (
    FulfilmentMode,
    fulfil_sale,
    pack_sale,
    pick_sale,
    ship_sale,
)
from skuport.domain.inventory.sales.lines import ProductLine
from skuport.domain.inventory.stock.service import receive_stock
from tests.domain.inventory.conftest import Shop, row_counts
from tests.domain.inventory.sales_support import _figures, _sell, _stocked


async def test_in5_an_order_allocates_stock_at_the_sales_location(
    session: AsyncSession, shop: Shop
):
    product = await _stocked(session, shop, "P1", 10)

    sale = await _sell(session, shop, ProductLine(product.id, Decimal(3)))

    assert await _figures(session, shop, product) == (10, 3, 7)
    assert sale.status == SaleStatus.ORDERED and sale.pick_status == StageStatus.NOT_STARTED
    assert sale.lines[0].unit_price == Decimal("10.00")  # from the customer's price tier


async def test_in5_an_order_for_more_than_is_available_is_backordered(
    session: AsyncSession, shop: Shop
):
    product = await _stocked(session, shop, "P1", 2)

    await _sell(session, shop, ProductLine(product.id, Decimal(5)))

    assert await _figures(session, shop, product) == (2, 5, -3)


async def test_in5_pick_stays_draft_on_short_stock_and_pack_and_ship_are_not_done(
    session: AsyncSession, shop: Shop
):
    product = await _stocked(session, shop, "P1", 2)
    sale = await _sell(session, shop, ProductLine(product.id, Decimal(5)))
    await session.commit()

    result = await pick_sale(session, sale_id=sale.id)
    await session.commit()
    before = await row_counts(session)
    with pytest.raises(InvalidState) as pack_refused:
        await pack_sale(session, sale_id=sale.id)
    with pytest.raises(InvalidState) as ship_refused:
        await ship_sale(session, sale_id=sale.id, carrier="UPS")
    await session.commit()

    assert not result.picked and result.sale.pick_status == StageStatus.DRAFT
    assert [(s.product_id, s.needed, s.pickable) for s in result.shortages] == [
        (product.id, Decimal(5), Decimal(2))
    ]
    assert pack_refused.value.field == ship_refused.value.field == "sale_id"
    assert (sale.pack_status, sale.ship_status) == (StageStatus.NOT_STARTED,) * 2
    assert await row_counts(session) == before
    assert await _figures(session, shop, product) == (2, 5, -3)


async def test_in5_a_draft_pick_succeeds_once_stock_arrives(session: AsyncSession, shop: Shop):
    product = await _stocked(session, shop, "P1", 2)
    sale = await _sell(session, shop, ProductLine(product.id, Decimal(5)))
    assert not (await pick_sale(session, sale_id=sale.id)).picked

    await receive_stock(
        session, product_id=product.id, location_id=shop.warehouse.id, quantity=Decimal(3)
    )
    result = await pick_sale(session, sale_id=sale.id)

    assert result.picked and sale.pick_status == StageStatus.AUTHORISED


async def test_in5_stock_picked_by_one_sale_cannot_be_picked_by_another(
    session: AsyncSession, shop: Shop
):
    product = await _stocked(session, shop, "P1", 1)
    first = await _sell(session, shop, ProductLine(product.id, Decimal(1)))
    second = await _sell(session, shop, ProductLine(product.id, Decimal(1)))

    assert (await pick_sale(session, sale_id=first.id)).picked
    assert not (await pick_sale(session, sale_id=second.id)).picked


async def test_in5_ship_takes_the_stock_out_of_the_location_with_carrier_and_tracking(
    session: AsyncSession, shop: Shop
):
    product = await _stocked(session, shop, "P1", 10)
    sale = await _sell(session, shop, ProductLine(product.id, Decimal(4)))
    await pick_sale(session, sale_id=sale.id)
    await pack_sale(session, sale_id=sale.id)

    shipment = await ship_sale(session, sale_id=sale.id, carrier="UPS", tracking_number="1Z999")
    await session.commit()

    assert (shipment.carrier, shipment.tracking_number) == ("UPS", "1Z999")
    assert sale.ship_status == StageStatus.AUTHORISED and sale.shipments == [shipment]
    assert await _figures(session, shop, product) == (6, 0, 6)
    with pytest.raises(InvalidState):
        await ship_sale(session, sale_id=sale.id, carrier="UPS")


async def test_in5_shipping_an_unpicked_task_is_refused_and_writes_nothing(
    session: AsyncSession, shop: Shop
):
    product = await _stocked(session, shop, "P1", 10)
    sale = await _sell(session, shop, ProductLine(product.id, Decimal(1)))
    await session.commit()
    before = await row_counts(session)

    with pytest.raises(InvalidState) as refused:
        await ship_sale(session, sale_id=sale.id, carrier="DHL")
    await session.commit()

    assert refused.value.field == "sale_id" and "picked" in refused.value.message
    assert await row_counts(session) == before


async def test_in5_fulfilment_mode_pick_only_stops_after_the_pick(
    session: AsyncSession, shop: Shop
):
    product = await _stocked(session, shop, "P1", 3)
    sale = await _sell(session, shop, ProductLine(product.id, Decimal(1)))

    await fulfil_sale(session, sale_id=sale.id, mode=FulfilmentMode.PICK)

    assert (sale.pick_status, sale.pack_status) == (StageStatus.AUTHORISED, StageStatus.NOT_STARTED)


async def test_in5_auto_pick_pack_ship_stops_at_a_draft_pick_when_stock_is_short(
    session: AsyncSession, shop: Shop
):
    product = await _stocked(session, shop, "P1", 1)
    sale = await _sell(session, shop, ProductLine(product.id, Decimal(2)))

    result = await fulfil_sale(
        session, sale_id=sale.id, mode=FulfilmentMode.PICK_PACK_SHIP, carrier="UPS"
    )

    assert (result.pick_status, result.pack_status, result.ship_status) == (
        StageStatus.DRAFT,
        StageStatus.NOT_STARTED,
        StageStatus.NOT_STARTED,
    )
    assert result.shipments == []
    assert await _figures(session, shop, product) == (1, 2, -1)


async def test_in5_auto_ship_needs_a_carrier_before_anything_is_done(
    session: AsyncSession, shop: Shop
):
    product = await _stocked(session, shop, "P1", 1)
    sale = await _sell(session, shop, ProductLine(product.id, Decimal(1)))

    with pytest.raises(InvalidValue) as refused:
        await fulfil_sale(session, sale_id=sale.id, mode=FulfilmentMode.PICK_PACK_SHIP)

    assert refused.value.field == "carrier"
    assert sale.pick_status == StageStatus.NOT_STARTED
