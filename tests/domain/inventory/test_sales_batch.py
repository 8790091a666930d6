"""IN-5/IN-6 at volume: `create_sales` makes many sales at once by the same rules as one."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from skuport.domain.db import transaction
from skuport.domain.errors import InvalidValue, NotFound
from skuport.domain.inventory.models import InvoiceStatus, ProductType
from skuport.domain.inventory.products.service import KitLine, create_product
from skuport.domain.inventory.purchasing.service import drop_ship_orders_of_sale
from skuport.domain.inventory.reference.service import create_supplier
from skuport.domain.inventory.sales.batch import PaymentRequest, SaleRequest, create_sales
from skuport.domain.inventory.sales.fulfilment import FulfilmentMode, fulfil_sale
from skuport.domain.inventory.sales.invoicing import (
    find_invoice,
    invoice_sale,
    payment_due,
    record_payment,
)
from skuport.domain.inventory.sales.lines import ChargeLine, ProductLine
from skuport.domain.inventory.sales.models import StageStatus
from skuport.domain.inventory.sales.service import create_sale, get_sale
from skuport.domain.inventory.sales.voiding import void_sale
from skuport.domain.inventory.stock.service import list_movements, receive_stock, stock_at
from tests.domain.inventory.conftest import Shop, row_counts, stock_product
from tests.domain.inventory.test_statement_counts import counted_statements


def _request(shop: Shop, lines, **kwargs) -> SaleRequest:  # type: ignore[no-untyped-def]
    return SaleRequest(
        customer_id=shop.customer.id, location_id=shop.warehouse.id, lines=lines, **kwargs
    )


def _shipped_and_paid(shop: Shop, lines, **kwargs) -> SaleRequest:  # type: ignore[no-untyped-def]
    return _request(
        shop,
        lines,
        fulfilment=FulfilmentMode.PICK_PACK_SHIP,
        carrier="UPS",
        tracking_number="1Z999",
        invoice_status=InvoiceStatus.AUTHORISED,
        payment=PaymentRequest(account_id=shop.bank.id),
        **kwargs,
    )


# How the sale is paid: in full, part of it, what was received capped at the invoice (PA-1's
# `up_to`, here less than the invoice), or not at all.
PAYMENTS = {
    "full": {},
    "partial": {"amount": Decimal("5.00")},
    "received": {"up_to": Decimal("7.25")},
    "unpaid": None,
}


async def _seen(session: AsyncSession, sale_id: int, product_ids: list[int]) -> dict[str, Any]:
    """What a user sees of a sale: its lines, stages, shipments, invoice and payments, and
    the stock figures and ledger of its products (ids and numbers left out)."""
    session.expire_all()
    sale = await get_sale(session, sale_id=sale_id)
    invoice = await find_invoice(session, sale_id=sale_id)
    stock = {}
    for product_id in product_ids:
        at = await stock_at(session, product_id=product_id, location_id=sale.location_id)
        ledger = await list_movements(session, product_id=product_id)
        stock[product_id] = (
            (at.on_hand, at.allocated, at.picked, at.available),
            sorted(
                (m.kind, m.on_hand_delta, m.allocated_delta, m.picked_delta)
                for m in ledger
                if m.sale_id == sale_id
            ),
        )
    return {
        "sale": (sale.customer_id, sale.currency, sale.status, sale.billing_name),
        "stages": (sale.pick_status, sale.pack_status, sale.ship_status),
        "lines": [
            (x.kind, x.charge_kind, x.product_id, x.quantity, x.net, x.tax, x.total)
            for x in sale.lines
        ],
        "shipments": [(x.carrier, x.tracking_number) for x in sale.shipments],
        "invoice": invoice
        and (
            invoice.status,
            (invoice.subtotal, invoice.tax_total, invoice.total),
            (invoice.paid, invoice.balance, invoice.payment_status),
            [(p.amount, p.account_id, p.reference) for p in invoice.payments],
        ),
        "stock": stock,
    }


# Pick, pack and ship status after each mode: Authorised, Draft (short stock) or not started.
STAGES = {
    FulfilmentMode.NONE: "---",
    FulfilmentMode.PICK: "A--",
    FulfilmentMode.PICK_PACK: "AA-",
    FulfilmentMode.PICK_PACK_SHIP: "AAA",
}
STAGE_STATUS = {
    "A": StageStatus.AUTHORISED,
    "D": StageStatus.DRAFT,
    "-": StageStatus.NOT_STARTED,
}


async def _step_by_step(
    session: AsyncSession, ids: dict[str, int], lines: list[Any], mode: FulfilmentMode, paid: str
) -> int:
    """The per-sale services, one after the other, as a user clicks through them."""
    sale = await create_sale(
        session, customer_id=ids["customer"], location_id=ids["location"], lines=lines
    )
    await fulfil_sale(session, sale_id=sale.id, mode=mode, carrier="UPS", tracking_number="1Z9")
    invoice = await invoice_sale(session, sale_id=sale.id, status=InvoiceStatus.AUTHORISED)
    payment = PAYMENTS[paid]
    if payment is not None:
        due = payment_due(invoice.total, **payment)
        await record_payment(
            session, invoice_id=invoice.id, amount=due, account_id=ids["bank"], reference="R1"
        )
    return sale.id


@pytest.mark.parametrize("stocked", [10, 3], ids=["in_stock", "short"])
@pytest.mark.parametrize("paid", list(PAYMENTS))
@pytest.mark.parametrize("mode", list(FulfilmentMode))
async def test_in5_in6_a_batch_sale_is_the_same_as_one_made_step_by_step(
    session: AsyncSession, shop: Shop, mode: FulfilmentMode, paid: str, stocked: int
):
    """IN-5/IN-6, every fulfilment mode and way of paying, with stock enough or short: the
    batch's sale, stages, invoice, payments and stock equal the per-sale services'."""
    mug = await stock_product(session, shop, "MUG", "12.50")
    cup = await stock_product(session, shop, "CUP")
    kit = await create_product(
        session,
        sku="SET",
        name="Tea set",
        type=ProductType.KIT,
        components=[KitLine(cup.id, Decimal(2))],
        default_tax_rule_id=shop.sales_tax.id,
    )
    for product in (mug, cup):
        await receive_stock(
            session,
            product_id=product.id,
            location_id=shop.warehouse.id,
            quantity=Decimal(stocked),
        )
    await session.commit()
    lines = [
        ProductLine(mug.id, Decimal(2), discount_percent=Decimal(10)),
        ProductLine(kit.id, Decimal(2), unit_price=Decimal(30)),
        ChargeLine(kind="shipping", amount=Decimal("4.99"), tax_rule_id=shop.sales_tax.id),
    ]
    products = [mug.id, cup.id, kit.id]
    ids = {"customer": shop.customer.id, "location": shop.warehouse.id, "bank": shop.bank.id}

    one = await _seen(session, await _step_by_step(session, ids, lines, mode, paid), products)
    await session.rollback()  # the same start again, for the batch
    payment = PAYMENTS[paid]
    [result] = await create_sales(
        session,
        [
            SaleRequest(
                customer_id=ids["customer"],
                location_id=ids["location"],
                lines=lines,
                fulfilment=mode,
                carrier="UPS",
                tracking_number="1Z9",
                invoice_status=InvoiceStatus.AUTHORISED,
                payment=None
                if payment is None
                else PaymentRequest(account_id=ids["bank"], reference="R1", **payment),
            )
        ],
    )
    assert result.error is None
    batch = await _seen(session, result.sale_id, products)  # type: ignore[arg-type]

    assert batch == one
    expected = "D--" if stocked == 3 and mode is not FulfilmentMode.NONE else STAGES[mode]
    assert one["stages"] == tuple(STAGE_STATUS[x] for x in expected)
    assert result.shipped == (expected == "AAA")
    assert len(one["invoice"][3]) == (paid != "unpaid")


async def test_in5_short_stock_goes_to_the_earlier_sale_and_the_later_pick_stays_draft(
    session: AsyncSession, shop: Shop
):
    lamp = await stock_product(session, shop, "LAMP")
    await receive_stock(
        session, product_id=lamp.id, location_id=shop.warehouse.id, quantity=Decimal(3)
    )

    first, second = await create_sales(
        session,
        [
            _shipped_and_paid(shop, [ProductLine(lamp.id, Decimal(2))]),
            _request(
                shop,
                [ProductLine(lamp.id, Decimal(2))],
                fulfilment=FulfilmentMode.PICK_PACK_SHIP,
                carrier="UPS",
            ),
        ],
    )

    assert first.shipped and not second.picked
    assert [(s.needed, s.pickable) for s in second.shortages] == [(Decimal(2), Decimal(1))]
    later = await get_sale(session, sale_id=second.sale_id)  # type: ignore[arg-type]
    assert (later.pick_status, later.pack_status, later.ship_status) == (
        StageStatus.DRAFT,
        StageStatus.NOT_STARTED,
        StageStatus.NOT_STARTED,
    )
    lamps = await stock_at(session, product_id=lamp.id, location_id=shop.warehouse.id)
    assert (lamps.on_hand, lamps.allocated, lamps.available) == (1, 2, -1)


async def test_in5_a_refused_sale_in_a_batch_writes_nothing_and_the_others_are_made(
    session: AsyncSession, shop: Shop
):
    pen = await stock_product(session, shop, "PEN")
    await session.commit()
    before = await row_counts(session)

    results = await create_sales(
        session,
        [
            _request(shop, [ProductLine(999_999, Decimal(1))]),
            _request(
                shop,
                [ProductLine(pen.id, Decimal(1))],
                invoice_status=InvoiceStatus.AUTHORISED,
                payment=PaymentRequest(account_id=shop.bank.id, amount=Decimal("500.00")),
            ),
            _request(shop, [ProductLine(pen.id, Decimal(1))], payment=PaymentRequest(shop.bank.id)),
            _request(shop, [ProductLine(pen.id, Decimal(1))], invoice_status=InvoiceStatus.DRAFT),
        ],
    )

    assert isinstance(results[0].error, NotFound)
    assert results[0].error.field == "lines[0].product_id"
    assert isinstance(results[1].error, InvalidValue) and results[1].error.field == "amount"
    assert results[2].error is not None and results[2].error.field == "payment"
    assert [r.sale_id is None for r in results] == [True, True, True, False]
    after = await row_counts(session)
    assert after["inv_sales"] == before["inv_sales"] + 1
    assert after["inv_invoices"] == before["inv_invoices"] + 1
    assert after["inv_payments"] == before["inv_payments"]


async def test_in6_a_batch_kit_ships_its_components_and_drop_ship_orders_from_the_supplier(
    session: AsyncSession, shop: Shop
):
    cup = await stock_product(session, shop, "CUP")
    kit = await create_product(
        session,
        sku="SET",
        name="Tea set",
        type=ProductType.KIT,
        components=[KitLine(cup.id, Decimal(2))],
        default_tax_rule_id=shop.vat.id,
    )
    supplier = await create_supplier(session, name="Sofa Direct")
    sofa = await create_product(
        session,
        sku="SOFA",
        name="Sofa",
        drop_ship=True,
        supplier_id=supplier.id,
        default_tax_rule_id=shop.sales_tax.id,
    )
    await receive_stock(
        session, product_id=cup.id, location_id=shop.warehouse.id, quantity=Decimal(10)
    )

    kit_sale, sofa_sale = await create_sales(
        session,
        [
            _request(
                shop,
                [ProductLine(kit.id, Decimal(3), unit_price=Decimal(30))],
                fulfilment=FulfilmentMode.PICK_PACK_SHIP,
                carrier="UPS",
            ),
            _request(shop, [ProductLine(sofa.id, Decimal(1), unit_price=Decimal(900))]),
        ],
    )

    cups = await stock_at(session, product_id=cup.id, location_id=shop.warehouse.id)
    assert (cups.on_hand, cups.allocated) == (4, 0)
    assert await list_movements(session, product_id=kit.id) == []
    orders = await drop_ship_orders_of_sale(session, sale_id=sofa_sale.sale_id)  # type: ignore[arg-type]
    assert [(o.supplier_id, [line.quantity for line in o.lines]) for o in orders] == [
        (supplier.id, [Decimal(1)])
    ]
    assert await list_movements(session, product_id=sofa.id) == []
    # A batch sale is an ordinary sale afterwards: voiding it puts the components back.
    await void_sale(session, sale_id=kit_sale.sale_id, reason="test")  # type: ignore[arg-type]
    cups = await stock_at(session, product_id=cup.id, location_id=shop.warehouse.id)
    assert (cups.on_hand, cups.allocated) == (10, 0)


async def test_in5_a_batch_costs_the_same_statements_for_ten_sales_as_for_forty(
    sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine, shop: Shop
):
    """The benchmark's claim in miniature: statements per batch, not per sale."""
    async with transaction(sessions) as session:
        products = [await stock_product(session, shop, f"P{i}") for i in range(3)]
        for product in products:
            await receive_stock(
                session, product_id=product.id, location_id=shop.warehouse.id, quantity=Decimal(500)
            )
    lines = [ProductLine(p.id, Decimal(1)) for p in products]

    async def batch(size: int) -> int:
        with counted_statements(engine) as statements:
            async with transaction(sessions) as session:
                results = await create_sales(
                    session, [_shipped_and_paid(shop, lines) for _ in range(size)]
                )
        assert all(r.shipped and r.payment_id for r in results)
        return len(statements)

    assert await batch(10) == await batch(40)
    assert await batch(40) < 30  # against 29 per sale one at a time
