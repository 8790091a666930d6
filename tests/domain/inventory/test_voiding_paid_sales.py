"""IN-5 voiding a paid sale with its payments refunded, and releasing unshipped lines (OR-9)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import InvalidState, InvalidValue
from skuport.domain.events import EventBus
from skuport.domain.inventory.credit_notes.service import CreditLine, create_credit_note
from skuport.domain.inventory.events import AvailabilityChanged, publish_availability_changes
from skuport.domain.inventory.models import InvoiceStatus, MovementKind, ProductType, SaleStatus
from skuport.domain.inventory.products.service import KitLine, create_product
from skuport.domain.inventory.sales.fulfilment import (
    FulfilmentMode,
    fulfil_sale,
    pack_sale,
    pick_sale,
    ship_sale,
)
from skuport.domain.inventory.sales.invoicing import (
    find_invoice,
    get_invoice,
    invoice_sale,
    record_payment,
)
from skuport.domain.inventory.sales.lines import ProductLine
from skuport.domain.inventory.sales.models import PaymentStatus
from skuport.domain.inventory.sales.service import create_sale, get_sale
from skuport.domain.inventory.sales.voiding import release_unshipped, void_sale
from skuport.domain.inventory.stock.service import list_movements, receive_stock, stock_at
from tests.domain.inventory.conftest import Shop, row_counts, stock_product


async def _stocked(session: AsyncSession, shop: Shop, sku: str, quantity: int):
    product = await stock_product(session, shop, sku)
    if quantity:
        await receive_stock(
            session,
            product_id=product.id,
            location_id=shop.warehouse.id,
            quantity=Decimal(quantity),
        )
    return product


async def _figures(session: AsyncSession, shop: Shop, product) -> tuple[Decimal, ...]:
    product_id = product if isinstance(product, int) else product.id
    figure = await stock_at(session, product_id=product_id, location_id=shop.warehouse.id)
    return figure.on_hand, figure.allocated, figure.picked, figure.available


async def _paid_sale(session: AsyncSession, shop: Shop, *lines, ship: bool = False):
    sale = await create_sale(
        session, customer_id=shop.customer.id, location_id=shop.warehouse.id, lines=list(lines)
    )
    if ship:
        await fulfil_sale(
            session, sale_id=sale.id, mode=FulfilmentMode.PICK_PACK_SHIP, carrier="UPS"
        )
    invoice = await invoice_sale(session, sale_id=sale.id, status=InvoiceStatus.AUTHORISED)
    first = (invoice.total / 2).quantize(Decimal("0.01"))
    await record_payment(
        session, invoice_id=invoice.id, amount=first, account_id=shop.bank.id, reference="A-1"
    )
    await record_payment(
        session, invoice_id=invoice.id, amount=invoice.total - first, account_id=shop.bank.id
    )
    return sale, invoice


async def test_in5_or9_void_with_refund_reverses_each_payment_and_returns_shipped_stock(
    session: AsyncSession, shop: Shop
):
    # given a shipped sale of 2 units, paid in full by two payments
    product = await _stocked(session, shop, "P1", 5)
    sale, invoice = await _paid_sale(session, shop, ProductLine(product.id, Decimal(2)), ship=True)
    assert await _figures(session, shop, product) == (3, 0, 0, 3)
    total = invoice.total
    await session.commit()

    # when it is voided with its payments refunded
    await void_sale(session, sale_id=sale.id, reason="cancelled on Amazon", refund_payments=True)
    await session.commit()
    session.expunge_all()

    # then the invoice shows paid 0, refunded in full, and keeps every payment
    invoice = await get_invoice(session, invoice_id=invoice.id)
    assert invoice.status is InvoiceStatus.VOIDED
    assert (invoice.paid, invoice.refunded) == (0, total)
    assert invoice.payment_status is PaymentStatus.UNPAID
    originals = [p for p in invoice.payments if p.refund_of_id is None]
    refunds = [p for p in invoice.payments if p.refund_of_id is not None]
    assert len(originals) == len(refunds) == 2
    for original, refund in zip(originals, refunds, strict=True):
        assert refund.refund_of_id == original.id and refund.amount == -original.amount
        assert refund.account_id == original.account_id == shop.bank.id
    assert refunds[0].reference == f"refund of payment {originals[0].id} (A-1): cancelled on Amazon"
    # and the sale is voided, its shipped stock back on hand
    assert (await get_sale(session, sale_id=sale.id)).status is SaleStatus.VOIDED
    assert await _figures(session, shop, product) == (5, 0, 0, 5)


async def test_in5_void_with_refund_releases_the_allocation_of_an_unshipped_paid_sale(
    session: AsyncSession, shop: Shop
):
    product = await _stocked(session, shop, "P1", 5)
    sale, invoice = await _paid_sale(session, shop, ProductLine(product.id, Decimal(2)))
    assert await _figures(session, shop, product) == (5, 2, 0, 3)

    await void_sale(session, sale_id=sale.id, refund_payments=True)

    assert await _figures(session, shop, product) == (5, 0, 0, 5)
    assert (invoice.paid, invoice.refunded) == (0, invoice.total)


async def test_in5_a_paid_sale_is_refused_without_refund_and_nothing_changes(
    session: AsyncSession, shop: Shop
):
    product = await _stocked(session, shop, "P1", 5)
    sale, invoice = await _paid_sale(session, shop, ProductLine(product.id, Decimal(2)))
    sale_id, total, product_id = sale.id, invoice.total, product.id
    await session.commit()
    before = await row_counts(session)

    with pytest.raises(InvalidState) as refused:
        await void_sale(session, sale_id=sale_id)

    assert refused.value.field == "sale_id"
    assert "payments" in refused.value.message and "refunded" in refused.value.message
    assert await row_counts(session) == before
    assert (await find_invoice(session, sale_id=sale_id)).paid == total
    assert await _figures(session, shop, product_id) == (5, 2, 0, 3)


async def test_in5_a_credited_sale_is_not_voided_even_with_refund(
    session: AsyncSession, shop: Shop
):
    product = await _stocked(session, shop, "P1", 5)
    sale, invoice = await _paid_sale(session, shop, ProductLine(product.id, Decimal(2)), ship=True)
    await create_credit_note(
        session,
        invoice_id=invoice.id,
        lines=[CreditLine(sale_line_id=sale.lines[0].id, quantity=Decimal(1))],
        restock=True,
    )
    sale_id = sale.id
    await session.commit()
    before = await row_counts(session)

    with pytest.raises(InvalidState) as refused:
        await void_sale(session, sale_id=sale_id, refund_payments=True)

    assert "credit notes" in refused.value.message
    assert await row_counts(session) == before  # no refund was recorded


async def test_in5_voiding_an_unpaid_sale_with_refund_is_a_plain_void(
    session: AsyncSession, shop: Shop
):
    product = await _stocked(session, shop, "P1", 5)
    sale = await create_sale(
        session,
        customer_id=shop.customer.id,
        location_id=shop.warehouse.id,
        lines=[ProductLine(product.id, Decimal(2))],
    )
    invoice = await invoice_sale(session, sale_id=sale.id)

    await void_sale(session, sale_id=sale.id, refund_payments=True)

    assert invoice.payments == [] and invoice.status is InvoiceStatus.VOIDED
    assert await _figures(session, shop, product) == (5, 0, 0, 5)


async def test_in5_or9_release_unshipped_frees_only_the_given_lines_and_notes_it_for_in8(
    session: AsyncSession, shop: Shop
):
    # given a sale of two lines, the first fully in stock, the second short (backordered)
    first = await _stocked(session, shop, "P1", 5)
    second = await _stocked(session, shop, "P2", 1)
    sale = await create_sale(
        session,
        customer_id=shop.customer.id,
        location_id=shop.warehouse.id,
        lines=[ProductLine(first.id, Decimal(2)), ProductLine(second.id, Decimal(3))],
    )
    await session.commit()
    await publish_availability_changes(session, bus=EventBus())  # the sale's own changes
    bus, seen = EventBus(), []
    bus.on(AvailabilityChanged, seen.append)

    # when the first line's stock is released
    released = await release_unshipped(
        session, sale_id=sale.id, sale_line_ids=[sale.lines[0].id], reason="order cancelled"
    )
    await session.commit()

    # then only that line's units are free again; the other line keeps its allocation
    assert [(r.sale_line_id, r.product_id, r.allocated, r.picked) for r in released] == [
        (sale.lines[0].id, first.id, 2, 0)
    ]
    assert await _figures(session, shop, first) == (5, 0, 0, 5)
    assert await _figures(session, shop, second) == (1, 3, 0, -2)
    [movement] = [
        m for m in await list_movements(session, product_id=first.id)
        if m.kind is MovementKind.RELEASE
    ]  # fmt: skip
    assert (movement.sale_id, movement.sale_line_id) == (sale.id, sale.lines[0].id)
    assert movement.allocated_delta == -2 and movement.reason == "order cancelled"
    assert await publish_availability_changes(session, bus=bus) == seen
    assert seen == [AvailabilityChanged(first.id, shop.warehouse.id, Decimal(5))]
    # and the sale stays live: releasing again finds nothing to release
    assert await release_unshipped(session, sale_id=sale.id, sale_line_ids=[sale.lines[0].id]) == []


async def test_in5_release_unshipped_gives_back_picked_units_and_later_shipping_leaves_them(
    session: AsyncSession, shop: Shop
):
    kept = await _stocked(session, shop, "P1", 5)
    gone = await _stocked(session, shop, "P2", 5)
    sale = await create_sale(
        session,
        customer_id=shop.customer.id,
        location_id=shop.warehouse.id,
        lines=[ProductLine(kept.id, Decimal(1)), ProductLine(gone.id, Decimal(2))],
    )
    await pick_sale(session, sale_id=sale.id)
    assert await _figures(session, shop, gone) == (5, 2, 2, 3)

    [released] = await release_unshipped(session, sale_id=sale.id, sale_line_ids=[sale.lines[1].id])
    await pack_sale(session, sale_id=sale.id)
    await ship_sale(session, sale_id=sale.id, carrier="UPS")

    assert (released.allocated, released.picked) == (2, 2)
    assert await _figures(session, shop, gone) == (5, 0, 0, 5)  # never shipped
    assert await _figures(session, shop, kept) == (4, 0, 0, 4)


async def test_in5_release_unshipped_leaves_shipped_stock_and_releases_kit_components(
    session: AsyncSession, shop: Shop
):
    part = await _stocked(session, shop, "PART", 10)
    kit = await create_product(
        session,
        sku="KIT",
        name="Kit",
        type=ProductType.KIT,
        components=[KitLine(part.id, Decimal(3))],
        prices={shop.usd.id: Decimal("25.00")},
        default_tax_rule_id=shop.sales_tax.id,
    )
    shipped = await create_sale(
        session,
        customer_id=shop.customer.id,
        location_id=shop.warehouse.id,
        lines=[ProductLine(part.id, Decimal(1))],
    )
    await fulfil_sale(session, sale_id=shipped.id, mode=FulfilmentMode.PICK_PACK_SHIP, carrier="X")
    ordered = await create_sale(
        session,
        customer_id=shop.customer.id,
        location_id=shop.warehouse.id,
        lines=[ProductLine(kit.id, Decimal(2))],
    )
    assert await _figures(session, shop, part) == (9, 6, 0, 3)

    assert (
        await release_unshipped(session, sale_id=shipped.id, sale_line_ids=[shipped.lines[0].id])
        == []
    )
    [released] = await release_unshipped(
        session, sale_id=ordered.id, sale_line_ids=[ordered.lines[0].id]
    )

    assert (released.product_id, released.allocated) == (part.id, 6)
    assert await _figures(session, shop, part) == (9, 0, 0, 9)


async def test_in5_release_unshipped_refuses_foreign_lines_and_voided_sales(
    session: AsyncSession, shop: Shop
):
    product = await _stocked(session, shop, "P1", 5)
    one = await create_sale(
        session,
        customer_id=shop.customer.id,
        location_id=shop.warehouse.id,
        lines=[ProductLine(product.id, Decimal(1))],
    )
    other = await create_sale(
        session,
        customer_id=shop.customer.id,
        location_id=shop.warehouse.id,
        lines=[ProductLine(product.id, Decimal(1))],
    )

    with pytest.raises(InvalidValue) as foreign:
        await release_unshipped(session, sale_id=one.id, sale_line_ids=[other.lines[0].id])
    await void_sale(session, sale_id=other.id)
    with pytest.raises(InvalidState) as voided:
        await release_unshipped(session, sale_id=other.id, sale_line_ids=[other.lines[0].id])

    assert foreign.value.field == "sale_line_ids" and "voided" in voided.value.message
    assert await _figures(session, shop, product) == (5, 1, 0, 4)
