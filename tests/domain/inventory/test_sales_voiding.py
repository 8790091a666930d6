"""IN-5 voiding a sale: allocations released, stock reversed, paid sales credited."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import InvalidState
from skuport.domain.inventory.models import (
    InvoiceStatus,
    MovementKind,
    SaleStatus,
)
from skuport.domain.inventory.sales.fulfilment import (
    FulfilmentMode,
    fulfil_sale,
    pick_sale,
)
from skuport.domain.inventory.sales.invoicing import find_invoice, invoice_sale, record_payment
from skuport.domain.inventory.sales.lines import ProductLine
from skuport.domain.inventory.sales.service import get_sale
from skuport.domain.inventory.sales.voiding import void_sale
from skuport.domain.inventory.stock.service import list_movements, stock_at
from tests.domain.inventory.conftest import Shop, row_counts
from tests.domain.inventory.sales_support import _figures, _sell, _stocked


async def test_in5_voiding_an_ordered_sale_releases_its_allocation_and_keeps_the_record(
    session: AsyncSession, shop: Shop
):
    product = await _stocked(session, shop, "P1", 5)
    sale = await _sell(session, shop, ProductLine(product.id, Decimal(2)))
    await pick_sale(session, sale_id=sale.id)
    await session.commit()

    await void_sale(session, sale_id=sale.id, reason="cancelled on Amazon")
    await session.commit()
    session.expunge_all()

    loaded = await get_sale(session, sale_id=sale.id)
    assert loaded.status == SaleStatus.VOIDED and loaded.void_reason == "cancelled on Amazon"
    assert len(loaded.lines) == 1
    figure = await stock_at(session, product_id=product.id, location_id=shop.warehouse.id)
    assert (figure.on_hand, figure.allocated, figure.picked) == (5, 0, 0)


async def test_in5_voiding_a_shipped_sale_reverses_its_stock_exactly(
    session: AsyncSession, shop: Shop
):
    product = await _stocked(session, shop, "P1", 10)
    other = await _stocked(session, shop, "P2", 3)
    sale = await _sell(
        session, shop, ProductLine(product.id, Decimal("2.5")), ProductLine(other.id, Decimal(3))
    )
    await fulfil_sale(session, sale_id=sale.id, mode=FulfilmentMode.PICK_PACK_SHIP, carrier="UPS")
    await invoice_sale(session, sale_id=sale.id)
    assert await _figures(session, shop, product) == (Decimal("7.5"), 0, Decimal("7.5"))

    await void_sale(session, sale_id=sale.id)
    await session.commit()

    assert await _figures(session, shop, product) == (10, 0, 10)
    assert await _figures(session, shop, other) == (3, 0, 3)
    kinds = [m.kind for m in await list_movements(session, product_id=product.id)]
    assert kinds == [
        MovementKind.RECEIPT,
        MovementKind.ALLOCATION,
        MovementKind.PICK,
        MovementKind.SHIPMENT,
        MovementKind.VOID_REVERSAL,
    ]
    assert (await find_invoice(session, sale_id=sale.id)).status == InvoiceStatus.VOIDED


async def test_in5_voiding_twice_is_refused(session: AsyncSession, shop: Shop):
    product = await _stocked(session, shop, "P1", 1)
    sale = await _sell(session, shop, ProductLine(product.id, Decimal(1)))
    await void_sale(session, sale_id=sale.id)
    await session.commit()
    before = await row_counts(session)

    with pytest.raises(InvalidState) as refused:
        await void_sale(session, sale_id=sale.id)
    with pytest.raises(InvalidState):
        await pick_sale(session, sale_id=sale.id)
    await session.commit()

    assert refused.value.field == "sale_id" and "already voided" in refused.value.message
    assert await row_counts(session) == before
    assert await _figures(session, shop, product) == (1, 0, 1)


async def test_in5_a_paid_sale_is_not_voided_but_credited(session: AsyncSession, shop: Shop):
    product = await _stocked(session, shop, "P1", 1)
    sale = await _sell(session, shop, ProductLine(product.id, Decimal(1)))
    invoice = await invoice_sale(session, sale_id=sale.id, status=InvoiceStatus.AUTHORISED)
    await record_payment(
        session, invoice_id=invoice.id, amount=Decimal("5.00"), account_id=shop.bank.id
    )

    with pytest.raises(InvalidState) as refused:
        await void_sale(session, sale_id=sale.id)
    assert "payments" in refused.value.message
