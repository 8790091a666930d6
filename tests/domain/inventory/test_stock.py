"""IN-3 locations and the stock ledger: figures are derived, never edited in place."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import DuplicateName, InsufficientStock, InvalidValue, NotFound
from skuport.domain.inventory.models import MovementKind, ProductType
from skuport.domain.inventory.products.service import create_product
from skuport.domain.inventory.stock.service import (
    adjust_stock,
    count_stock,
    create_location,
    list_locations,
    list_movements,
    receive_stock,
    stock_at,
    stock_everywhere,
    stock_figures,
)
from tests.domain.inventory.conftest import Shop, row_counts, stock_product


async def test_in3_locations_have_unique_names(session: AsyncSession, shop: Shop):
    await create_location(session, name="Overflow")
    with pytest.raises(DuplicateName):
        await create_location(session, name="overflow")
    assert [loc.name for loc in await list_locations(session)] == [
        "Amazon FBA",
        "Main warehouse",
        "Overflow",
    ]


async def test_in3_receipts_and_adjustments_are_ledger_rows_summed_per_location(
    session: AsyncSession, shop: Shop
):
    product = await stock_product(session, shop, "P1")
    await receive_stock(
        session,
        product_id=product.id,
        location_id=shop.warehouse.id,
        quantity=Decimal(10),
        reason="PO 17",
    )
    await receive_stock(
        session, product_id=product.id, location_id=shop.fba.id, quantity=Decimal(4)
    )
    await adjust_stock(
        session,
        product_id=product.id,
        location_id=shop.warehouse.id,
        change=Decimal(-2),
        reason="damaged",
    )
    await session.commit()

    warehouse = await stock_at(session, product_id=product.id, location_id=shop.warehouse.id)
    everywhere = await stock_everywhere(session, product_id=product.id)
    movements = await list_movements(session, product_id=product.id)

    assert (warehouse.on_hand, warehouse.allocated, warehouse.available) == (8, 0, 8)
    assert (everywhere.on_hand, everywhere.available, everywhere.location_id) == (12, 12, None)
    assert [(m.kind, m.on_hand_delta, m.reason) for m in movements] == [
        (MovementKind.RECEIPT, Decimal(10), "PO 17"),
        (MovementKind.RECEIPT, Decimal(4), "receipt"),
        (MovementKind.ADJUSTMENT, Decimal(-2), "damaged"),
    ]
    per_location = await stock_figures(session, product_id=product.id)
    assert [(f.location_id, f.on_hand) for f in per_location] == [
        (shop.warehouse.id, 8),
        (shop.fba.id, 4),
    ]


async def test_in3_a_stock_take_appends_the_difference(session: AsyncSession, shop: Shop):
    product = await stock_product(session, shop, "P1")
    await receive_stock(
        session, product_id=product.id, location_id=shop.warehouse.id, quantity=Decimal(10)
    )

    movement = await count_stock(
        session, product_id=product.id, location_id=shop.warehouse.id, counted=Decimal("7.5")
    )
    unchanged = await count_stock(
        session, product_id=product.id, location_id=shop.warehouse.id, counted=Decimal("7.5")
    )

    assert movement is not None and movement.on_hand_delta == Decimal("-2.5")
    assert unchanged is None
    figure = await stock_at(session, product_id=product.id, location_id=shop.warehouse.id)
    assert figure.on_hand == Decimal("7.5")


async def test_in3_on_hand_can_never_go_negative(session: AsyncSession, shop: Shop):
    product = await stock_product(session, shop, "P1")
    await receive_stock(
        session, product_id=product.id, location_id=shop.warehouse.id, quantity=Decimal(3)
    )
    await session.commit()
    before = await row_counts(session)

    with pytest.raises(InsufficientStock) as refused:
        await adjust_stock(
            session,
            product_id=product.id,
            location_id=shop.warehouse.id,
            change=Decimal(-4),
            reason="lost",
        )
    await session.commit()

    assert refused.value.field == "change"
    assert await row_counts(session) == before


@pytest.mark.parametrize(
    ("arguments", "field", "error"),
    [
        ({"quantity": Decimal(0)}, "quantity", InvalidValue),
        ({"quantity": Decimal(-5)}, "quantity", InvalidValue),
        ({"quantity": Decimal("0.00001")}, "quantity", InvalidValue),
        ({"location_id": 999_999}, "location_id", NotFound),
        ({"product_id": 999_999}, "product_id", NotFound),
        ({"reason": ""}, "reason", InvalidValue),
    ],
)
async def test_in3_bad_receipts_are_refused_and_write_nothing(
    session: AsyncSession, shop: Shop, arguments, field, error
):
    product = await stock_product(session, shop, "P1")
    await session.commit()
    before = await row_counts(session)
    request = {
        "product_id": product.id,
        "location_id": shop.warehouse.id,
        "quantity": Decimal(1),
        **arguments,
    }

    with pytest.raises(error) as refused:
        await receive_stock(session, **request)
    await session.commit()

    assert refused.value.field == field
    assert await row_counts(session) == before


async def test_in3_services_and_kits_hold_no_stock_of_their_own(session: AsyncSession, shop: Shop):
    service = await create_product(session, sku="FIT", name="Fitting", type=ProductType.SERVICE)
    with pytest.raises(InvalidValue) as refused:
        await receive_stock(
            session, product_id=service.id, location_id=shop.warehouse.id, quantity=Decimal(1)
        )
    assert refused.value.field == "product_id"
