"""A small back office to sell from: tiers, tax rules, accounts, a customer, two locations."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.db.base import Base
from skuport.domain.inventory.models import (
    Account,
    AccountKind,
    Customer,
    Location,
    PriceTier,
    TaxRule,
)
from skuport.domain.inventory.products.service import create_product
from skuport.domain.inventory.reference.service import (
    create_account,
    create_customer,
    create_price_tier,
    create_tax_rule,
)
from skuport.domain.inventory.stock.service import create_location


@dataclass
class Shop:
    usd: PriceTier
    eur: PriceTier
    sales_tax: TaxRule  # 8.875 % exclusive (NA style)
    vat: TaxRule  # 20 % inclusive (EU style)
    tax_free: TaxRule
    sales: Account
    amazon_sales: Account
    bank: Account
    customer: Customer
    warehouse: Location
    fba: Location


@pytest.fixture
async def shop(session: AsyncSession) -> AsyncIterator[Shop]:
    """Reference data every sale test needs, committed."""
    shop = Shop(
        usd=await create_price_tier(session, name="Amazon US", currency="USD"),
        eur=await create_price_tier(session, name="Amazon DE", currency="EUR"),
        sales_tax=await create_tax_rule(session, name="Sales tax", rate=Decimal("8.875")),
        vat=await create_tax_rule(session, name="VAT 20", rate=Decimal(20), inclusive=True),
        tax_free=await create_tax_rule(session, name="Tax free", rate=Decimal(0), tax_free=True),
        sales=await create_account(session, code="4000", name="Sales", kind=AccountKind.REVENUE),
        amazon_sales=await create_account(
            session, code="4100", name="Amazon sales", kind=AccountKind.REVENUE
        ),
        bank=await create_account(session, code="1200", name="Bank", kind=AccountKind.BANK),
        customer=None,  # type: ignore[arg-type]
        warehouse=await create_location(session, name="Main warehouse"),
        fba=await create_location(session, name="Amazon FBA"),
    )
    shop.customer = await create_customer(
        session, name="Jane Buyer", price_tier_id=shop.usd.id, revenue_account_id=shop.sales.id
    )
    await session.commit()
    yield shop


async def stock_product(session: AsyncSession, shop: Shop, sku: str, price: str = "10.00"):
    """A stock product priced in the USD tier, taxed with sales tax by default."""
    return await create_product(
        session,
        sku=sku,
        name=f"Product {sku}",
        prices={shop.usd.id: Decimal(price)},
        default_tax_rule_id=shop.sales_tax.id,
    )


async def row_counts(session: AsyncSession) -> dict[str, int]:
    """How many rows each table holds: compared before and after a refused call."""
    counts = {}
    for table in Base.metadata.sorted_tables:
        counts[table.name] = await session.scalar(select(func.count()).select_from(table))
    return counts
