"""IN-5 invoices (tax to the cent, DRAFT/AUTHORISED) and payments."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import InvalidState, InvalidValue
from skuport.domain.inventory.models import ChargeKind, InvoiceStatus, PaymentStatus
from skuport.domain.inventory.sales.invoicing import (
    authorise_invoice,
    get_invoice,
    invoice_sale,
    record_payment,
)
from skuport.domain.inventory.sales.lines import ChargeLine, ProductLine
from skuport.domain.inventory.sales.service import create_sale
from tests.domain.inventory.conftest import Shop, row_counts, stock_product


async def _invoice(session: AsyncSession, shop: Shop, *lines, status=InvoiceStatus.DRAFT):
    sale = await create_sale(
        session, customer_id=shop.customer.id, location_id=shop.warehouse.id, lines=list(lines)
    )
    return sale, await invoice_sale(session, sale_id=sale.id, status=status)


async def test_in5_a_tax_exclusive_invoice_matches_hand_computed_totals(
    session: AsyncSession, shop: Shop
):
    mug = await stock_product(session, shop, "MUG", price="19.99")
    tea = await stock_product(session, shop, "TEA", price="4.35")

    sale, invoice = await _invoice(
        session,
        shop,
        ProductLine(mug.id, Decimal(3)),
        ProductLine(tea.id, Decimal(2), discount_percent=Decimal(10)),
        ChargeLine(ChargeKind.SHIPPING, Decimal("5.99"), tax_rule_id=shop.sales_tax.id),
    )

    # By hand, 8.875 % on top, half-up per line:
    #   3 x 19.99 = 59.97, tax 5.3223375 -> 5.32, total 65.29
    #   2 x 4.35 less 10 % = 7.83, tax 0.6949125 -> 0.69, total 8.52
    #   shipping 5.99, tax 0.5316125 -> 0.53, total 6.52
    assert [(x.net, x.tax, x.total) for x in sale.lines] == [
        (Decimal("59.97"), Decimal("5.32"), Decimal("65.29")),
        (Decimal("7.83"), Decimal("0.69"), Decimal("8.52")),
        (Decimal("5.99"), Decimal("0.53"), Decimal("6.52")),
    ]
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (
        Decimal("73.79"),
        Decimal("6.54"),
        Decimal("80.33"),
    )


async def test_in5_a_tax_inclusive_invoice_matches_hand_computed_totals(
    session: AsyncSession, shop: Shop
):
    shirt = await stock_product(session, shop, "SHIRT")
    socks = await stock_product(session, shop, "SOCKS")
    vat = shop.vat.id

    sale, invoice = await _invoice(
        session,
        shop,
        ProductLine(shirt.id, Decimal(2), unit_price=Decimal("24.99"), tax_rule_id=vat),
        ProductLine(socks.id, Decimal(1), unit_price=Decimal("9.95"), tax_rule_id=vat),
        ChargeLine(ChargeKind.GIFT_WRAP, Decimal("2.49"), tax_rule_id=vat),
        ChargeLine(ChargeKind.DISCOUNT, Decimal("-5.00"), tax_rule_id=vat),
    )

    # By hand, 20 % included: tax = amount x 20 / 120, half-up per line:
    #   49.98 -> tax 8.33, net 41.65;  9.95 -> tax 1.6583 -> 1.66, net 8.29
    #   gift wrap 2.49 -> tax 0.415 -> 0.42 (half-up), net 2.07
    #   discount -5.00 -> tax -0.8333 -> -0.83, net -4.17
    assert [(x.net, x.tax, x.total) for x in sale.lines] == [
        (Decimal("41.65"), Decimal("8.33"), Decimal("49.98")),
        (Decimal("8.29"), Decimal("1.66"), Decimal("9.95")),
        (Decimal("2.07"), Decimal("0.42"), Decimal("2.49")),
        (Decimal("-4.17"), Decimal("-0.83"), Decimal("-5.00")),
    ]
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (
        Decimal("47.84"),
        Decimal("9.58"),
        Decimal("57.42"),
    )


async def test_in5_tax_amounts_given_by_amazon_replace_the_computed_tax(
    session: AsyncSession, shop: Shop
):
    product = await stock_product(session, shop, "P1")

    sale, invoice = await _invoice(
        session,
        shop,
        ProductLine(
            product.id, Decimal(2), unit_price=Decimal("10.00"), tax_amount=Decimal("1.70")
        ),
        ChargeLine(
            ChargeKind.SHIPPING,
            Decimal("3.00"),
            tax_rule_id=shop.tax_free.id,
            tax_amount=Decimal("0.00"),
        ),
        ChargeLine(
            ChargeKind.SHIPPING_DISCOUNT,
            Decimal("-1.00"),
            tax_rule_id=shop.sales_tax.id,
            tax_amount=Decimal("-0.09"),
        ),
    )

    assert [(x.tax, x.tax_given) for x in sale.lines] == [
        (Decimal("1.70"), True),
        (Decimal("0.00"), True),
        (Decimal("-0.09"), True),
    ]
    assert sale.lines[0].tax_rule_id == shop.sales_tax.id  # the rule's name, Amazon's amount
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (
        Decimal("22.00"),
        Decimal("1.61"),
        Decimal("23.61"),
    )


async def test_in5_an_invoice_is_draft_until_authorised_and_authorised_once(
    session: AsyncSession, shop: Shop
):
    product = await stock_product(session, shop, "P1")
    _, invoice = await _invoice(session, shop, ProductLine(product.id, Decimal(1)))
    assert invoice.status == InvoiceStatus.DRAFT

    await authorise_invoice(session, invoice_id=invoice.id)
    with pytest.raises(InvalidState) as twice:
        await authorise_invoice(session, invoice_id=invoice.id)
    with pytest.raises(InvalidState) as again:
        await invoice_sale(session, sale_id=invoice.sale_id)

    assert invoice.status == InvoiceStatus.AUTHORISED
    assert twice.value.field == "invoice_id" and again.value.field == "sale_id"


async def test_in5_partial_then_full_payments_show_paid_and_unpaid(
    session: AsyncSession, shop: Shop
):
    product = await stock_product(session, shop, "P1", price="50.00")
    _, invoice = await _invoice(
        session, shop, ProductLine(product.id, Decimal(2)), status=InvoiceStatus.AUTHORISED
    )
    assert invoice.total == Decimal("108.88")  # 100.00 + 8.875 % = 8.875 -> 8.88
    assert invoice.payment_status == PaymentStatus.UNPAID

    await record_payment(
        session,
        invoice_id=invoice.id,
        amount=Decimal("60.00"),
        account_id=shop.bank.id,
        reference="payout 1",
    )
    assert (invoice.payment_status, invoice.balance) == (
        PaymentStatus.PARTIALLY_PAID,
        Decimal("48.88"),
    )
    await record_payment(
        session, invoice_id=invoice.id, amount=Decimal("48.88"), account_id=shop.bank.id
    )
    await session.commit()
    session.expunge_all()

    loaded = await get_invoice(session, invoice_id=invoice.id)
    assert loaded.payment_status == PaymentStatus.PAID and loaded.balance == 0
    assert [p.amount for p in loaded.payments] == [Decimal("60.00"), Decimal("48.88")]


@pytest.mark.parametrize(
    ("amount", "account", "field"),
    [
        (Decimal("10.01"), "bank", "amount"),  # more than the balance
        (Decimal(0), "bank", "amount"),
        (Decimal("-1"), "bank", "amount"),
        (Decimal("1.001"), "bank", "amount"),
        (Decimal(1), "sales", "account_id"),  # a revenue account takes no payments
    ],
)
async def test_in5_paying_more_than_the_balance_or_into_a_wrong_account_is_refused(
    session: AsyncSession, shop: Shop, amount, account, field
):
    product = await stock_product(session, shop, "P1", price="10.00")
    _, invoice = await _invoice(
        session, shop, ProductLine(product.id, Decimal(1), tax_rule_id=shop.tax_free.id)
    )
    await session.commit()
    before = await row_counts(session)

    with pytest.raises(InvalidValue) as refused:
        await record_payment(
            session, invoice_id=invoice.id, amount=amount, account_id=getattr(shop, account).id
        )
    await session.commit()

    assert refused.value.field == field
    assert await row_counts(session) == before
