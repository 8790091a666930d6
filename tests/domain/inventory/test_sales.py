"""IN-5 sale tasks: allocation on order, pick, pack, ship, void."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import InvalidState, InvalidValue, NotFound
from skuport.domain.inventory.models import (
    ChargeKind,
    InvoiceStatus,
    MovementKind,
    ProductType,
    SaleStatus,
    StageStatus,
)
from skuport.domain.inventory.products.service import create_product
from skuport.domain.inventory.reference.service import Address
from skuport.domain.inventory.sales.fulfilment import (
    FulfilmentMode,
    fulfil_sale,
    pack_sale,
    pick_sale,
    ship_sale,
)
from skuport.domain.inventory.sales.invoicing import find_invoice, invoice_sale, record_payment
from skuport.domain.inventory.sales.lines import ChargeLine, ProductLine, ServiceLine
from skuport.domain.inventory.sales.service import create_sale, get_sale
from skuport.domain.inventory.sales.voiding import void_sale
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


async def _sell(session: AsyncSession, shop: Shop, *lines, **options):
    return await create_sale(
        session,
        customer_id=shop.customer.id,
        location_id=shop.warehouse.id,
        lines=list(lines),
        **options,
    )


async def _figures(session: AsyncSession, shop: Shop, product):
    figure = await stock_at(session, product_id=product.id, location_id=shop.warehouse.id)
    return figure.on_hand, figure.allocated, figure.available


async def test_in5_an_order_allocates_stock_at_the_sales_location(
    session: AsyncSession, shop: Shop
):
    product = await _stocked(session, shop, "P1", 10)

    sale = await _sell(session, shop, ProductLine(product.id, Decimal(3)))

    assert await _figures(session, shop, product) == (10, 3, 7)
    assert sale.status == SaleStatus.ORDERED and sale.pick_status == StageStatus.NOT_STARTED
    assert sale.lines[0].unit_price == Decimal("10.00")  # from the customer's price tier


async def test_in5_an_order_for_more_than_is_available_is_backordered(
    session: AsyncSession, shop: Shop
):
    product = await _stocked(session, shop, "P1", 2)

    await _sell(session, shop, ProductLine(product.id, Decimal(5)))

    assert await _figures(session, shop, product) == (2, 5, -3)


async def test_in5_pick_stays_draft_on_short_stock_and_pack_and_ship_are_not_done(
    session: AsyncSession, shop: Shop
):
    product = await _stocked(session, shop, "P1", 2)
    sale = await _sell(session, shop, ProductLine(product.id, Decimal(5)))
    await session.commit()

    result = await pick_sale(session, sale_id=sale.id)
    await session.commit()
    before = await row_counts(session)
    with pytest.raises(InvalidState) as pack_refused:
        await pack_sale(session, sale_id=sale.id)
    with pytest.raises(InvalidState) as ship_refused:
        await ship_sale(session, sale_id=sale.id, carrier="UPS")
    await session.commit()

    assert not result.picked and result.sale.pick_status == StageStatus.DRAFT
    assert [(s.product_id, s.needed, s.pickable) for s in result.shortages] == [
        (product.id, Decimal(5), Decimal(2))
    ]
    assert pack_refused.value.field == ship_refused.value.field == "sale_id"
    assert (sale.pack_status, sale.ship_status) == (StageStatus.NOT_STARTED,) * 2
    assert await row_counts(session) == before
    assert await _figures(session, shop, product) == (2, 5, -3)


async def test_in5_a_draft_pick_succeeds_once_stock_arrives(session: AsyncSession, shop: Shop):
    product = await _stocked(session, shop, "P1", 2)
    sale = await _sell(session, shop, ProductLine(product.id, Decimal(5)))
    assert not (await pick_sale(session, sale_id=sale.id)).picked

    await receive_stock(
        session, product_id=product.id, location_id=shop.warehouse.id, quantity=Decimal(3)
    )
    result = await pick_sale(session, sale_id=sale.id)

    assert result.picked and sale.pick_status == StageStatus.AUTHORISED


async def test_in5_stock_picked_by_one_sale_cannot_be_picked_by_another(
    session: AsyncSession, shop: Shop
):
    product = await _stocked(session, shop, "P1", 1)
    first = await _sell(session, shop, ProductLine(product.id, Decimal(1)))
    second = await _sell(session, shop, ProductLine(product.id, Decimal(1)))

    assert (await pick_sale(session, sale_id=first.id)).picked
    assert not (await pick_sale(session, sale_id=second.id)).picked


async def test_in5_ship_takes_the_stock_out_of_the_location_with_carrier_and_tracking(
    session: AsyncSession, shop: Shop
):
    product = await _stocked(session, shop, "P1", 10)
    sale = await _sell(session, shop, ProductLine(product.id, Decimal(4)))
    await pick_sale(session, sale_id=sale.id)
    await pack_sale(session, sale_id=sale.id)

    shipment = await ship_sale(session, sale_id=sale.id, carrier="UPS", tracking_number="1Z999")
    await session.commit()

    assert (shipment.carrier, shipment.tracking_number) == ("UPS", "1Z999")
    assert sale.ship_status == StageStatus.AUTHORISED and sale.shipments == [shipment]
    assert await _figures(session, shop, product) == (6, 0, 6)
    with pytest.raises(InvalidState):
        await ship_sale(session, sale_id=sale.id, carrier="UPS")


async def test_in5_shipping_an_unpicked_task_is_refused_and_writes_nothing(
    session: AsyncSession, shop: Shop
):
    product = await _stocked(session, shop, "P1", 10)
    sale = await _sell(session, shop, ProductLine(product.id, Decimal(1)))
    await session.commit()
    before = await row_counts(session)

    with pytest.raises(InvalidState) as refused:
        await ship_sale(session, sale_id=sale.id, carrier="DHL")
    await session.commit()

    assert refused.value.field == "sale_id" and "picked" in refused.value.message
    assert await row_counts(session) == before


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


async def test_in5_fulfilment_mode_pick_only_stops_after_the_pick(
    session: AsyncSession, shop: Shop
):
    product = await _stocked(session, shop, "P1", 3)
    sale = await _sell(session, shop, ProductLine(product.id, Decimal(1)))

    await fulfil_sale(session, sale_id=sale.id, mode=FulfilmentMode.PICK)

    assert (sale.pick_status, sale.pack_status) == (StageStatus.AUTHORISED, StageStatus.NOT_STARTED)


async def test_in5_auto_pick_pack_ship_stops_at_a_draft_pick_when_stock_is_short(
    session: AsyncSession, shop: Shop
):
    product = await _stocked(session, shop, "P1", 1)
    sale = await _sell(session, shop, ProductLine(product.id, Decimal(2)))

    result = await fulfil_sale(
        session, sale_id=sale.id, mode=FulfilmentMode.PICK_PACK_SHIP, carrier="UPS"
    )

    assert (result.pick_status, result.pack_status, result.ship_status) == (
        StageStatus.DRAFT,
        StageStatus.NOT_STARTED,
        StageStatus.NOT_STARTED,
    )
    assert result.shipments == []
    assert await _figures(session, shop, product) == (1, 2, -1)


async def test_in5_auto_ship_needs_a_carrier_before_anything_is_done(
    session: AsyncSession, shop: Shop
):
    product = await _stocked(session, shop, "P1", 1)
    sale = await _sell(session, shop, ProductLine(product.id, Decimal(1)))

    with pytest.raises(InvalidValue) as refused:
        await fulfil_sale(session, sale_id=sale.id, mode=FulfilmentMode.PICK_PACK_SHIP)

    assert refused.value.field == "carrier"
    assert sale.pick_status == StageStatus.NOT_STARTED
