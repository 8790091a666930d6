"""Fixtures shared by the GraphQL API tests: a back office with stock."""

from __future__ import annotations

from decimal import Decimal

import pytest

from skuport.domain.inventory.models import AccountKind
from skuport.domain.inventory.products.service import create_product
from skuport.domain.inventory.reference.service import (
    create_account,
    create_customer,
    create_price_tier,
    create_supplier,
    create_tax_rule,
)
from skuport.domain.inventory.stock.service import create_location, receive_stock
from tests.schema.inventory_sales_support import Office


@pytest.fixture
async def office(sessions) -> Office:  # type: ignore[no-untyped-def]
    """A back office with stock: 10 mugs and 5 caps in the warehouse, a kit, a drop-ship item."""
    async with sessions() as s, s.begin():
        tier = await create_price_tier(s, name="Amazon US", currency="USD")
        sales_tax = await create_tax_rule(s, name="Sales tax", rate=Decimal("8.875"))
        vat = await create_tax_rule(s, name="VAT 20", rate=Decimal(20), inclusive=True)
        tax_free = await create_tax_rule(s, name="Tax free", rate=Decimal(0), tax_free=True)
        revenue = await create_account(s, code="4000", name="Sales", kind=AccountKind.REVENUE)
        bank = await create_account(s, code="1200", name="Bank", kind=AccountKind.BANK)
        customer = await create_customer(s, name="Jane Buyer", price_tier_id=tier.id)
        warehouse = await create_location(s, name="Main warehouse")
        supplier = await create_supplier(s, name="Mugs Direct")

        async def product(sku: str, price: str, **extra):  # type: ignore[no-untyped-def]
            return await create_product(
                s,
                sku=sku,
                name=f"Product {sku}",
                prices={tier.id: Decimal(price)},
                default_tax_rule_id=sales_tax.id,
                **extra,
            )

        mug = await product("MUG", "10.00")
        cap = await product("CAP", "15.00")
        from skuport.domain.inventory.products.service import KitLine

        kit = await product(
            "GIFT",
            "30.00",
            type="kit",
            components=[KitLine(mug.id, Decimal(2)), KitLine(cap.id, Decimal(1))],
        )
        dropship = await product("BIGMUG", "50.00", drop_ship=True, supplier_id=supplier.id)
        await receive_stock(s, product_id=mug.id, location_id=warehouse.id, quantity=Decimal(10))
        await receive_stock(s, product_id=cap.id, location_id=warehouse.id, quantity=Decimal(5))
    return Office(
        *(
            str(x.id)
            for x in (
                tier,
                sales_tax,
                vat,
                tax_free,
                revenue,
                bank,
                customer,
                warehouse,
                mug,
                cap,
                kit,
                dropship,
            )
        )
    )
