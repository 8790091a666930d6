"""IN-3 figures read from checkpoints plus recent movements equal the sums of the whole ledger."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.inventory.models import StockCheckpoint
from skuport.domain.inventory.sales.fulfilment import FulfilmentMode, fulfil_sale
from skuport.domain.inventory.sales.lines import ProductLine
from skuport.domain.inventory.sales.service import create_sale
from skuport.domain.inventory.stock import ledger
from skuport.domain.inventory.stock.ledger import figures_for
from skuport.domain.inventory.stock.service import adjust_stock, receive_stock, stock_figures
from tests.domain.inventory.conftest import Shop, stock_product


async def _whole_ledger(session: AsyncSession, product_id: int, location_id: int):
    figures = await stock_figures(session, product_id=product_id, location_id=location_id)
    return (figures[0].on_hand, figures[0].allocated, figures[0].picked)


async def test_in3_figures_from_checkpoints_match_the_whole_ledger(
    session: AsyncSession, shop: Shop, monkeypatch: pytest.MonkeyPatch
):
    # given: a checkpoint every 3 movements
    monkeypatch.setattr(ledger, "CHECKPOINT_EVERY", 3)
    mug = await stock_product(session, shop, "MUG")
    cap = await stock_product(session, shop, "CAP")
    where = {"location_id": shop.warehouse.id}
    await receive_stock(session, product_id=mug.id, quantity=Decimal(50), **where)
    await receive_stock(session, product_id=cap.id, quantity=Decimal(50), **where)
    await session.commit()
    # when: many sales, adjustments and reads, each committed
    for n in range(8):
        sale = await create_sale(
            session,
            customer_id=shop.customer.id,
            location_id=shop.warehouse.id,
            lines=[ProductLine(mug.id, Decimal(1 + n % 3)), ProductLine(cap.id, Decimal(1))],
        )
        await fulfil_sale(
            session, sale_id=sale.id, mode=FulfilmentMode.PICK_PACK_SHIP, carrier="UPS"
        )
        if n % 3 == 0:
            await adjust_stock(
                session, product_id=cap.id, change=Decimal(-1), reason="dent", **where
            )
        await session.commit()
        # then: every read agrees with the plain sum of the ledger
        figures = await figures_for(
            session, [(mug.id, shop.warehouse.id), (cap.id, shop.warehouse.id)]
        )
        for product in (mug, cap):
            figure = figures[(product.id, shop.warehouse.id)]
            expected = await _whole_ledger(session, product.id, shop.warehouse.id)
            assert (figure.on_hand, figure.allocated, figure.picked) == expected
        await session.commit()
    checkpoints = await session.scalar(select(func.count()).select_from(StockCheckpoint))
    if session.get_bind().dialect.name == "sqlite":
        assert checkpoints > 2
    else:
        assert checkpoints == 0  # PostgreSQL writes none (see ledger.figures_for)


async def test_in3_a_checkpoint_taken_in_a_rolled_back_transaction_is_gone(
    session: AsyncSession, shop: Shop, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(ledger, "CHECKPOINT_EVERY", 1)
    mug = await stock_product(session, shop, "MUG")
    await receive_stock(
        session, product_id=mug.id, location_id=shop.warehouse.id, quantity=Decimal(5)
    )
    await figures_for(session, [(mug.id, shop.warehouse.id)])
    await session.rollback()
    assert await session.scalar(select(func.count()).select_from(StockCheckpoint)) == 0
