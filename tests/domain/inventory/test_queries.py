"""Lists and queries the API pages through: customers, sales, invoices, reference data."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.inventory.models import AccountKind, InvoiceStatus, SaleStatus
from skuport.domain.inventory.reference.service import (
    create_customer,
    create_supplier,
    list_accounts,
    list_price_tiers,
    list_suppliers,
    list_tax_rules,
    select_customers,
)
from skuport.domain.inventory.sales.invoicing import invoice_sale, select_invoices
from skuport.domain.inventory.sales.lines import ProductLine
from skuport.domain.inventory.sales.service import create_sale, select_sales
from skuport.domain.inventory.sales.voiding import void_sale
from tests.domain.inventory.conftest import Shop, stock_product


async def test_in4_reference_data_is_listed_by_name_or_code(session: AsyncSession, shop: Shop):
    await create_supplier(session, name="Zed")
    await create_supplier(session, name="Alpha")

    assert [t.name for t in await list_price_tiers(session)] == ["Amazon DE", "Amazon US"]
    assert [r.name for r in await list_tax_rules(session)] == ["Sales tax", "Tax free", "VAT 20"]
    assert [a.code for a in await list_accounts(session, kind=AccountKind.REVENUE)] == [
        "4000",
        "4100",
    ]
    assert [s.name for s in await list_suppliers(session)] == ["Alpha", "Zed"]


async def test_in4_customers_are_searched_by_name_or_email(session: AsyncSession, shop: Shop):
    await create_customer(session, name="Bob Smith", email="bob@example.test")
    await create_customer(session, name="Carol", email="carol@smith.test")

    found = await session.scalars(select_customers(search="smith"))

    assert [c.name for c in found] == ["Bob Smith", "Carol"]


async def test_in5_sales_and_invoices_are_filtered_by_status_and_reference(
    session: AsyncSession, shop: Shop
):
    product = await stock_product(session, shop, "P1")
    sales = [
        await create_sale(
            session,
            customer_id=shop.customer.id,
            location_id=shop.warehouse.id,
            lines=[ProductLine(product.id, Decimal(1))],
            reference=f"order-{i}",
        )
        for i in range(3)
    ]
    await void_sale(session, sale_id=sales[0].id)
    await invoice_sale(session, sale_id=sales[1].id, status=InvoiceStatus.AUTHORISED)
    await invoice_sale(session, sale_id=sales[2].id)

    voided = await session.scalars(select_sales(status=SaleStatus.VOIDED))
    by_reference = await session.scalars(select_sales(reference="order-2"))
    authorised = await session.scalars(select_invoices(status=InvoiceStatus.AUTHORISED))

    assert [s.id for s in voided] == [sales[0].id]
    assert [s.id for s in by_reference] == [sales[2].id]
    assert [i.sale_id for i in authorised] == [sales[1].id]
