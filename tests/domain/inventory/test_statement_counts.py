"""IN-5 processing a sale costs the same number of SQL statements however many came before."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from skuport.domain.db import transaction
from skuport.domain.inventory.models import InvoiceStatus
from skuport.domain.inventory.sales.fulfilment import FulfilmentMode, fulfil_sale
from skuport.domain.inventory.sales.invoicing import invoice_sale, record_payment
from skuport.domain.inventory.sales.lines import ProductLine
from skuport.domain.inventory.sales.service import create_sale
from skuport.domain.inventory.stock.service import receive_stock
from tests.domain.inventory.conftest import Shop, stock_product


@contextmanager
def counted_statements(engine: AsyncEngine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


async def _process_one_sale(
    sessions: async_sessionmaker[AsyncSession], shop: Shop, product_ids: list[int]
) -> None:
    async with transaction(sessions) as session:
        sale = await create_sale(
            session,
            customer_id=shop.customer.id,
            location_id=shop.warehouse.id,
            lines=[ProductLine(p, Decimal(1)) for p in product_ids],
        )
        await fulfil_sale(
            session, sale_id=sale.id, mode=FulfilmentMode.PICK_PACK_SHIP, carrier="UPS"
        )
        invoice = await invoice_sale(session, sale_id=sale.id, status=InvoiceStatus.AUTHORISED)
        await record_payment(
            session, invoice_id=invoice.id, amount=invoice.total, account_id=shop.bank.id
        )


async def test_in5_statements_per_processed_sale_do_not_grow_with_the_database(
    sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine, shop: Shop
):
    async with transaction(sessions) as session:
        products = [await stock_product(session, shop, f"P{i}") for i in range(3)]
        for product in products:
            await receive_stock(
                session,
                product_id=product.id,
                location_id=shop.warehouse.id,
                quantity=Decimal(1000),
            )
    ids = [p.id for p in products]

    with counted_statements(engine) as first:
        await _process_one_sale(sessions, shop, ids)
    for _ in range(10):
        await _process_one_sale(sessions, shop, ids)
    with counted_statements(engine) as later:
        await _process_one_sale(sessions, shop, ids)

    assert len(later) == len(first)
    assert len(first) < 40  # a 3-line sale, allocated, picked, packed, shipped, invoiced, paid
