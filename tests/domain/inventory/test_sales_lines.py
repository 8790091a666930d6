"""IN-5 sale lines: services and charges, what a sale keeps, refused lines, prices."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import InvalidValue, NotFound
from skuport.domain.inventory.models import (
    ChargeKind,
    ProductType,
    StageStatus,
)
from skuport.domain.inventory.products.service import create_product
from skuport.domain.inventory.reference.service import Address
from skuport.domain.inventory.sales.fulfilment import (
    FulfilmentMode,
    fulfil_sale,
)
from skuport.domain.inventory.sales.lines import ChargeLine, ProductLine, ServiceLine
from skuport.domain.inventory.sales.service import create_sale, get_sale
from skuport.domain.inventory.stock.service import list_movements, stock_at
from tests.domain.inventory.conftest import Shop, row_counts, stock_product
from tests.domain.inventory.sales_support import _sell


async def test_in5_service_and_charge_lines_move_no_stock(session: AsyncSession, shop: Shop):
    service = await create_product(
        session,
        sku="WRAP",
        name="Wrapping",
        type=ProductType.SERVICE,
        default_tax_rule_id=shop.vat.id,
    )
    sale = await _sell(
        session,
        shop,
        ProductLine(service.id, Decimal(1), unit_price=Decimal(3)),
        ServiceLine(
            "Unknown Amazon SKU B00X",
            Decimal(2),
            Decimal("4.50"),
            tax_rule_id=shop.tax_free.id,
            sku="B00X",
        ),
        ChargeLine(ChargeKind.SHIPPING, Decimal("4.99"), tax_rule_id=shop.vat.id),
    )

    result = await fulfil_sale(
        session, sale_id=sale.id, mode=FulfilmentMode.PICK_PACK_SHIP, carrier="Royal Mail"
    )

    assert result.ship_status == StageStatus.AUTHORISED
    assert [line.sku for line in sale.lines] == ["WRAP", "B00X", ""]
    assert await list_movements(session, product_id=service.id) == []


async def test_in5_a_sale_keeps_its_rep_tier_revenue_account_location_and_reference(
    session: AsyncSession, shop: Shop
):
    product = await stock_product(session, shop, "P1")
    await session.commit()
    address = Address(line1="5 High St", city="Leeds", country="GB")

    sale = await create_sale(
        session,
        customer_id=shop.customer.id,
        location_id=shop.fba.id,
        price_tier_id=shop.usd.id,
        sales_rep="Amazon_US",
        revenue_account_id=shop.amazon_sales.id,
        reference="111-2223334-5556667",
        billing_name="J. Buyer",
        shipping_address=address,
        lines=[ProductLine(product.id, Decimal(1))],
    )
    await session.commit()
    session.expunge_all()
    loaded = await get_sale(session, sale_id=sale.id)

    assert (loaded.sales_rep, loaded.price_tier_id, loaded.location_id) == (
        "Amazon_US",
        shop.usd.id,
        shop.fba.id,
    )
    assert loaded.revenue_account_id == shop.amazon_sales.id
    assert loaded.lines[0].revenue_account_id == shop.amazon_sales.id  # overrides the customer's
    assert (loaded.reference, loaded.billing_name, loaded.currency) == (
        "111-2223334-5556667",
        "J. Buyer",
        "USD",
    )
    assert Address.from_dict(loaded.shipping_address) == address
    figure = await stock_at(session, product_id=product.id, location_id=shop.fba.id)
    assert figure.allocated == 1


@pytest.mark.parametrize(
    ("line", "field", "error"),
    [
        ("missing_tax_rule", "lines[0].tax_rule_id", NotFound),
        ("negative_quantity", "lines[0].quantity", InvalidValue),
        ("missing_product", "lines[0].product_id", NotFound),
        ("big_discount", "lines[0].discount_percent", InvalidValue),
        ("positive_discount", "lines[1].amount", InvalidValue),
        ("tax_in_tenths_of_cents", "lines[0].tax_amount", InvalidValue),
    ],
)
async def test_in5_bad_sale_lines_are_refused_naming_the_line_and_write_nothing(
    session: AsyncSession, shop: Shop, line, field, error
):
    product = await stock_product(session, shop, "P1")
    await session.commit()
    good = ProductLine(product.id, Decimal(1))
    lines = {
        "missing_tax_rule": [ProductLine(product.id, Decimal(1), tax_rule_id=999_999)],
        "negative_quantity": [ProductLine(product.id, Decimal(-1))],
        "missing_product": [ProductLine(999_999, Decimal(1))],
        "big_discount": [ProductLine(product.id, Decimal(1), discount_percent=Decimal(101))],
        "positive_discount": [good, ChargeLine(ChargeKind.DISCOUNT, Decimal(5), shop.vat.id)],
        "tax_in_tenths_of_cents": [
            ProductLine(product.id, Decimal(1), tax_amount=Decimal("0.125"))
        ],
    }[line]
    before = await row_counts(session)

    with pytest.raises(error) as refused:
        await _sell(session, shop, *lines)
    await session.commit()

    assert refused.value.field == field
    assert await row_counts(session) == before


async def test_in5_a_product_without_a_price_in_the_tier_needs_an_explicit_price(
    session: AsyncSession, shop: Shop
):
    product = await stock_product(session, shop, "P1")
    with pytest.raises(InvalidValue) as refused:
        await _sell(session, shop, ProductLine(product.id, Decimal(1)), price_tier_id=shop.eur.id)
    sale = await _sell(
        session,
        shop,
        ProductLine(product.id, Decimal(1), unit_price=Decimal("8.00")),
        price_tier_id=shop.eur.id,
    )
    assert refused.value.field == "lines[0].unit_price"
    assert sale.currency == "EUR" and sale.lines[0].unit_price == Decimal("8.00")
