"""IN-6 kits ship their components; drop-ship lines order from the supplier and move no stock."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import InvalidValue
from skuport.domain.inventory.models import ProductType, PurchaseOrderStatus
from skuport.domain.inventory.products.service import KitLine, create_product
from skuport.domain.inventory.purchasing.service import drop_ship_orders_of_sale
from skuport.domain.inventory.reference.service import create_supplier
from skuport.domain.inventory.sales.fulfilment import FulfilmentMode, fulfil_sale
from skuport.domain.inventory.sales.lines import ProductLine
from skuport.domain.inventory.sales.service import create_sale
from skuport.domain.inventory.sales.voiding import void_sale
from skuport.domain.inventory.stock.service import list_movements, receive_stock, stock_at
from tests.domain.inventory.conftest import Shop, stock_product


async def test_in6_a_kit_sale_allocates_and_ships_its_components(session: AsyncSession, shop: Shop):
    cup = await stock_product(session, shop, "CUP")
    saucer = await stock_product(session, shop, "SAUCER")
    kit = await create_product(
        session,
        sku="SET",
        name="Tea set",
        type=ProductType.KIT,
        components=[KitLine(cup.id, Decimal(2)), KitLine(saucer.id, Decimal(1))],
        default_tax_rule_id=shop.vat.id,
    )
    for part in (cup, saucer):
        await receive_stock(
            session, product_id=part.id, location_id=shop.warehouse.id, quantity=Decimal(10)
        )

    sale = await create_sale(
        session,
        customer_id=shop.customer.id,
        location_id=shop.warehouse.id,
        lines=[ProductLine(kit.id, Decimal(3), unit_price=Decimal("30.00"))],
    )
    cups_allocated = await stock_at(session, product_id=cup.id, location_id=shop.warehouse.id)
    await fulfil_sale(session, sale_id=sale.id, mode=FulfilmentMode.PICK_PACK_SHIP, carrier="UPS")

    cups = await stock_at(session, product_id=cup.id, location_id=shop.warehouse.id)
    saucers = await stock_at(session, product_id=saucer.id, location_id=shop.warehouse.id)
    assert cups_allocated.allocated == 6
    assert (cups.on_hand, cups.allocated) == (4, 0)
    assert (saucers.on_hand, saucers.allocated) == (7, 0)
    assert await list_movements(session, product_id=kit.id) == []


async def test_in6_a_drop_ship_line_orders_from_the_supplier_and_moves_no_stock(
    session: AsyncSession, shop: Shop
):
    supplier = await create_supplier(session, name="Sofa Direct")
    sofa = await create_product(
        session,
        sku="SOFA",
        name="Sofa",
        drop_ship=True,
        supplier_id=supplier.id,
        default_tax_rule_id=shop.vat.id,
    )
    lamp = await stock_product(session, shop, "LAMP")
    await receive_stock(
        session, product_id=lamp.id, location_id=shop.warehouse.id, quantity=Decimal(1)
    )

    sale = await create_sale(
        session,
        customer_id=shop.customer.id,
        location_id=shop.warehouse.id,
        lines=[
            ProductLine(sofa.id, Decimal(2), unit_price=Decimal(499)),
            ProductLine(lamp.id, Decimal(1)),
        ],
    )
    await fulfil_sale(session, sale_id=sale.id, mode=FulfilmentMode.PICK_PACK_SHIP, carrier="DPD")
    await session.commit()

    orders = await drop_ship_orders_of_sale(session, sale_id=sale.id)
    assert [(o.supplier_id, o.status) for o in orders] == [
        (supplier.id, PurchaseOrderStatus.ORDERED)
    ]
    assert [(x.product_id, x.quantity, x.sale_line_id) for x in orders[0].lines] == [
        (sofa.id, Decimal(2), sale.lines[0].id)
    ]
    assert sale.lines[0].drop_ship and not sale.lines[1].drop_ship
    assert await list_movements(session, product_id=sofa.id) == []
    lamps = await stock_at(session, product_id=lamp.id, location_id=shop.warehouse.id)
    assert lamps.on_hand == 0

    await void_sale(session, sale_id=sale.id)
    orders = await drop_ship_orders_of_sale(session, sale_id=sale.id)
    assert orders[0].status == PurchaseOrderStatus.CANCELLED


async def test_in6_a_kit_quantity_whose_components_need_too_many_decimals_is_refused(
    session: AsyncSession, shop: Shop
):
    part = await stock_product(session, shop, "PART")
    kit = await create_product(
        session,
        sku="KIT",
        name="Kit",
        type=ProductType.KIT,
        components=[KitLine(part.id, Decimal("0.25"))],
        default_tax_rule_id=shop.vat.id,
    )

    with pytest.raises(InvalidValue) as refused:
        await create_sale(
            session,
            customer_id=shop.customer.id,
            location_id=shop.warehouse.id,
            lines=[ProductLine(kit.id, Decimal("0.0001"), unit_price=Decimal(1))],
        )

    assert refused.value.field == "lines[0].quantity"
