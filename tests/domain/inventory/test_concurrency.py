"""IN-3/IN-5 races: two sessions at once, on SQLite and PostgreSQL alike.

Skuport's rule: orders always allocate (backorders are allowed), so two orders for the last
unit both allocate and availability goes to -1; the pick is what needs real stock, and of two
picks racing for the last unit exactly one succeeds, the other stays DRAFT.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from skuport.domain.db import transaction
from skuport.domain.errors import InvalidValue
from skuport.domain.inventory.models import InvoiceStatus, StageStatus
from skuport.domain.inventory.sales.fulfilment import pick_sale
from skuport.domain.inventory.sales.invoicing import invoice_sale, record_payment
from skuport.domain.inventory.sales.lines import ProductLine
from skuport.domain.inventory.sales.service import create_sale, get_sale
from skuport.domain.inventory.stock.service import receive_stock, stock_at
from tests.domain.inventory.conftest import Shop, stock_product


async def _last_unit(sessions: async_sessionmaker[AsyncSession], shop: Shop) -> int:
    async with transaction(sessions) as session:
        product = await stock_product(session, shop, "LAST")
        await receive_stock(
            session, product_id=product.id, location_id=shop.warehouse.id, quantity=Decimal(1)
        )
    return product.id


async def _order(sessions: async_sessionmaker[AsyncSession], shop: Shop, product_id: int) -> int:
    async with transaction(sessions) as session:
        sale = await create_sale(
            session,
            customer_id=shop.customer.id,
            location_id=shop.warehouse.id,
            lines=[ProductLine(product_id, Decimal(1))],
        )
    return sale.id


async def _pick(sessions: async_sessionmaker[AsyncSession], sale_id: int) -> bool:
    async with transaction(sessions) as session:
        return (await pick_sale(session, sale_id=sale_id)).picked


async def test_in3_two_orders_racing_for_the_last_unit_both_allocate_as_a_backorder(
    sessions: async_sessionmaker[AsyncSession], shop: Shop
):
    product_id = await _last_unit(sessions, shop)

    await asyncio.gather(_order(sessions, shop, product_id), _order(sessions, shop, product_id))

    async with sessions() as session:
        figure = await stock_at(session, product_id=product_id, location_id=shop.warehouse.id)
    assert (figure.on_hand, figure.allocated, figure.available) == (1, 2, -1)


async def test_in5_two_picks_racing_for_the_last_unit_cannot_both_take_it(
    sessions: async_sessionmaker[AsyncSession], shop: Shop
):
    product_id = await _last_unit(sessions, shop)
    first = await _order(sessions, shop, product_id)
    second = await _order(sessions, shop, product_id)

    outcomes = await asyncio.gather(_pick(sessions, first), _pick(sessions, second))

    assert sorted(outcomes) == [False, True]
    async with sessions() as session:
        figure = await stock_at(session, product_id=product_id, location_id=shop.warehouse.id)
        stages = sorted([(await get_sale(session, sale_id=i)).pick_status for i in (first, second)])
    assert figure.picked == 1
    assert stages == sorted([StageStatus.AUTHORISED, StageStatus.DRAFT])


async def test_in5_two_payments_racing_for_one_balance_cannot_both_be_recorded(
    sessions: async_sessionmaker[AsyncSession], shop: Shop
):
    async with transaction(sessions) as session:
        product = await stock_product(session, shop, "P1", price="10.00")
        sale = await create_sale(
            session,
            customer_id=shop.customer.id,
            location_id=shop.warehouse.id,
            lines=[ProductLine(product.id, Decimal(1), tax_rule_id=shop.tax_free.id)],
        )
        invoice = await invoice_sale(session, sale_id=sale.id, status=InvoiceStatus.AUTHORISED)

    async def pay() -> str:
        try:
            async with transaction(sessions) as session:
                await record_payment(
                    session, invoice_id=invoice.id, amount=Decimal("10.00"), account_id=shop.bank.id
                )
        except InvalidValue as refused:
            return refused.field
        return "paid"

    assert sorted(await asyncio.gather(pay(), pay())) == ["amount", "paid"]
