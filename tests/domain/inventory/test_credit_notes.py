"""IN-7 credit notes against an authorised invoice, with optional restock."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import InvalidState, InvalidValue
from skuport.domain.inventory.credit_notes.service import CreditLine, create_credit_note
from skuport.domain.inventory.models import ChargeKind, InvoiceStatus, MovementKind, ProductType
from skuport.domain.inventory.products.service import KitLine, create_product
from skuport.domain.inventory.sales.fulfilment import FulfilmentMode, fulfil_sale
from skuport.domain.inventory.sales.invoicing import invoice_sale, record_payment
from skuport.domain.inventory.sales.lines import ChargeLine, ProductLine
from skuport.domain.inventory.sales.service import create_sale
from skuport.domain.inventory.stock.service import list_movements, receive_stock, stock_at
from tests.domain.inventory.conftest import Shop, row_counts, stock_product


async def _shipped_sale(session: AsyncSession, shop: Shop, product, quantity: int, *extra):
    await receive_stock(
        session, product_id=product.id, location_id=shop.warehouse.id, quantity=Decimal(10)
    )
    sale = await create_sale(
        session,
        customer_id=shop.customer.id,
        location_id=shop.warehouse.id,
        lines=[ProductLine(product.id, Decimal(quantity)), *extra],
    )
    await fulfil_sale(session, sale_id=sale.id, mode=FulfilmentMode.PICK_PACK_SHIP, carrier="UPS")
    invoice = await invoice_sale(session, sale_id=sale.id, status=InvoiceStatus.AUTHORISED)
    return sale, invoice


async def test_in7_a_credit_note_refunds_part_of_a_line_and_restocks_it(
    session: AsyncSession, shop: Shop
):
    product = await stock_product(session, shop, "P1", price="19.99")
    sale, invoice = await _shipped_sale(session, shop, product, 3)
    # line: 59.97 net, 5.32 tax, 65.29 total
    await record_payment(
        session, invoice_id=invoice.id, amount=invoice.total, account_id=shop.bank.id
    )

    note = await create_credit_note(
        session,
        invoice_id=invoice.id,
        lines=[CreditLine(sale.lines[0].id, Decimal(1))],
        restock=True,
        reason="returned, unopened",
    )

    # one third: tax 5.32 / 3 = 1.7733 -> 1.77, total 65.29 / 3 = 21.7633 -> 21.76
    assert (note.subtotal, note.tax_total, note.total) == (
        Decimal("19.99"),
        Decimal("1.77"),
        Decimal("21.76"),
    )
    assert invoice.credited == Decimal("21.76") and invoice.balance == Decimal("-21.76")
    figure = await stock_at(session, product_id=product.id, location_id=shop.warehouse.id)
    assert figure.on_hand == 8  # 10 received, 3 shipped, 1 back
    kinds = [m.kind for m in await list_movements(session, product_id=product.id)]
    assert kinds[-1] == MovementKind.RESTOCK


async def test_in7_crediting_a_whole_line_in_parts_credits_exactly_its_amounts(
    session: AsyncSession, shop: Shop
):
    product = await stock_product(session, shop, "P1", price="19.99")
    sale, invoice = await _shipped_sale(session, shop, product, 3)
    line = sale.lines[0]

    notes = [
        await create_credit_note(
            session, invoice_id=invoice.id, lines=[CreditLine(line.id, Decimal(1))]
        )
        for _ in range(3)
    ]

    assert sum(n.total for n in notes) == line.total
    assert sum(n.tax_total for n in notes) == line.tax
    with pytest.raises(InvalidValue) as too_many:
        await create_credit_note(
            session, invoice_id=invoice.id, lines=[CreditLine(line.id, Decimal(1))]
        )
    assert too_many.value.field == "lines[0].quantity"


async def test_in7_without_restock_stock_stays_out_and_charges_can_be_credited(
    session: AsyncSession, shop: Shop
):
    product = await stock_product(session, shop, "P1")
    shipping = ChargeLine(ChargeKind.SHIPPING, Decimal("4.00"), tax_rule_id=shop.tax_free.id)
    sale, invoice = await _shipped_sale(session, shop, product, 2, shipping)

    note = await create_credit_note(
        session, invoice_id=invoice.id, lines=[CreditLine(sale.lines[1].id, Decimal(1))]
    )

    assert note.total == Decimal("4.00") and not note.restock
    figure = await stock_at(session, product_id=product.id, location_id=shop.warehouse.id)
    assert figure.on_hand == 8


async def test_in7_restocking_a_kit_returns_its_components(session: AsyncSession, shop: Shop):
    cup = await stock_product(session, shop, "CUP")
    kit = await create_product(
        session,
        sku="SET",
        name="Set",
        type=ProductType.KIT,
        components=[KitLine(cup.id, Decimal(2))],
        default_tax_rule_id=shop.vat.id,
        prices={shop.usd.id: Decimal(20)},
    )
    await receive_stock(
        session, product_id=cup.id, location_id=shop.warehouse.id, quantity=Decimal(4)
    )
    sale = await create_sale(
        session,
        customer_id=shop.customer.id,
        location_id=shop.warehouse.id,
        lines=[ProductLine(kit.id, Decimal(2))],
    )
    await fulfil_sale(session, sale_id=sale.id, mode=FulfilmentMode.PICK_PACK_SHIP, carrier="UPS")
    invoice = await invoice_sale(session, sale_id=sale.id, status=InvoiceStatus.AUTHORISED)

    await create_credit_note(
        session,
        invoice_id=invoice.id,
        restock=True,
        lines=[CreditLine(sale.lines[0].id, Decimal(1))],
    )

    figure = await stock_at(session, product_id=cup.id, location_id=shop.warehouse.id)
    assert figure.on_hand == 2


async def test_in7_a_credit_note_needs_an_authorised_invoice_and_shipped_goods_to_restock(
    session: AsyncSession, shop: Shop
):
    product = await stock_product(session, shop, "P1")
    await receive_stock(
        session, product_id=product.id, location_id=shop.warehouse.id, quantity=Decimal(5)
    )
    sale = await create_sale(
        session,
        customer_id=shop.customer.id,
        location_id=shop.warehouse.id,
        lines=[ProductLine(product.id, Decimal(1))],
    )
    invoice = await invoice_sale(session, sale_id=sale.id)
    await session.commit()
    before = await row_counts(session)
    credit = [CreditLine(sale.lines[0].id, Decimal(1))]

    with pytest.raises(InvalidState) as draft:
        await create_credit_note(session, invoice_id=invoice.id, lines=credit)
    invoice.status = InvoiceStatus.AUTHORISED
    with pytest.raises(InvalidState) as unshipped:
        await create_credit_note(session, invoice_id=invoice.id, lines=credit, restock=True)
    invoice.status = InvoiceStatus.DRAFT
    await session.commit()

    assert draft.value.field == "invoice_id"
    assert unshipped.value.field == "lines[0].quantity"
    assert await row_counts(session) == before
