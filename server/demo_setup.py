"""The demo's data: the sandbox sellers connected as two stores with complete demo settings."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.inventory.products.models import Product, ProductType
from skuport.domain.inventory.reference.models import (
    Account,
    AccountKind,
    Customer,
    PriceTier,
    TaxRule,
)
from skuport.domain.inventory.reference.service import (
    create_account,
    create_customer,
    create_price_tier,
    create_tax_rule,
)
from skuport.domain.inventory.stock.models import Location
from skuport.domain.inventory.stock.service import create_location, receive_stock
from skuport.domain.jobs import Every, JobTarget, Trigger
from skuport.domain.listings.scheduled import CATALOG_DOWNLOAD
from skuport.domain.orders.scheduled import ORDERS_DOWNLOAD
from skuport.domain.returns.scheduled import RETURNS
from skuport.domain.stores.models import MatchProducts, Region, Store
from skuport.domain.stores.sandbox import connect_sandbox_store, sandbox_sellers
from skuport.domain.stores.settings import SettingsChange, set_marketplace, update_settings
from skuport.schema.context import Services

log = logging.getLogger(__name__)

T = TypeVar("T")

DEMO_STOCK = Decimal(25)


async def _one(session: AsyncSession, model: type[T], **where: object) -> T | None:
    statement = select(model)
    for key, value in where.items():
        statement = statement.where(getattr(model, key) == value)
    return await session.scalar(statement)


@dataclass(frozen=True)
class DemoReferences:
    """The back-office records the demo stores' settings point at."""

    customer_id: int
    warehouse_id: int
    fba_id: int
    sales_tax_id: int
    tax_free_id: int
    bank_id: int
    vat_by_country: dict[str, int]


VAT = {
    "GB": ("VAT 20% inclusive", Decimal(20)),
    "DE": ("MwSt 19% inclusive", Decimal(19)),
    "FR": ("TVA 20% inclusive", Decimal(20)),
    "IT": ("IVA 22% inclusive", Decimal(22)),
    "ES": ("IVA 21% inclusive", Decimal(21)),
}


async def _reference_data(session: AsyncSession) -> DemoReferences:
    """Customer, locations, tax rules and a bank account, made on the first demo run only."""
    customer = await _one(session, Customer, name="Amazon Customers") or await create_customer(
        session, name="Amazon Customers"
    )
    warehouse = await _one(session, Location, name="Main warehouse") or await create_location(
        session, name="Main warehouse"
    )
    fba = await _one(session, Location, name="Amazon FBA") or await create_location(
        session, name="Amazon FBA"
    )

    async def rule(name: str, rate: Decimal, *, inclusive: bool = False, free: bool = False) -> int:
        found = await _one(session, TaxRule, name=name) or await create_tax_rule(
            session, name=name, rate=rate, inclusive=inclusive, tax_free=free
        )
        return found.id

    bank = await _one(session, Account, code="1200") or await create_account(
        session, code="1200", name="Amazon payouts clearing", kind=AccountKind.BANK
    )
    return DemoReferences(
        customer_id=customer.id,
        warehouse_id=warehouse.id,
        fba_id=fba.id,
        sales_tax_id=await rule("US sales tax (Amazon amounts)", Decimal(0)),
        tax_free_id=await rule("Tax free", Decimal(0), free=True),
        bank_id=bank.id,
        vat_by_country={
            country: await rule(name, rate, inclusive=True) for country, (name, rate) in VAT.items()
        },
    )


async def _tier(session: AsyncSession, code: str, currency: str) -> PriceTier:
    name = f"Amazon {code}"
    tier = await _one(session, PriceTier, name=name)
    return tier or await create_price_tier(session, name=name, currency=currency)


async def _demo_settings(session: AsyncSession, store: Store, data: DemoReferences) -> None:
    """The demo's settings of a newly connected store: everything filled in, a tier a market."""
    eu = store.region is Region.EU
    countries = {entry.marketplace.country_code for entry in store.marketplaces}
    default_rule = data.vat_by_country["GB"] if eu else data.sales_tax_id
    await update_settings(
        session,
        store_id=store.id,
        change=SettingsChange(
            customer_id=data.customer_id,
            fbm_location_id=data.warehouse_id,
            process_fba_orders=True,
            fba_location_id=data.fba_id,
            match_products=MatchProducts.BY_SKU,
            create_product_if_not_found=True,
            update_stock_levels=True,
            line_tax_rule_id=default_rule,
            charge_tax_rule_id=default_rule,
            tax_free_rule_id=data.tax_free_id,
            payment_account_id=data.bank_id,
            # Orders arrive every 20 s in the demo; fetch them often enough to see it.
            order_download_minutes=5,
            country_tax_rules={c: r for c, r in data.vat_by_country.items() if c in countries}
            if eu
            else None,
        ),
    )
    for entry in store.marketplaces:
        tier = await _tier(session, entry.marketplace.code, entry.marketplace.currency)
        await set_marketplace(
            session,
            store_id=store.id,
            marketplace_id=entry.marketplace_id,
            price_tier_id=tier.id,
        )


async def connect_demo_stores(services: Services) -> list[int]:
    """Connect every sandbox seller not yet connected, with demo settings; download catalogs."""
    assert services.sandbox_url and services.amazon is not None
    sellers = await sandbox_sellers(services.amazon, url=services.sandbox_url)
    new_stores: list[int] = []
    async with services.units() as uow:
        known = set((await uow.session.scalars(select(Store.selling_partner_id))).all())
        data = await _reference_data(uow.session)
    for seller in sellers:
        if seller.seller_id in known:
            continue
        # The sandbox is asked with no transaction open; the demo settings follow in one.
        store = await connect_sandbox_store(
            services.units,
            gateway=services.amazon,
            url=services.sandbox_url,
            seller_id=seller.seller_id,
            name=seller.name,
        )
        async with services.units() as uow:
            await _demo_settings(uow.session, store, data)
        new_stores.append(store.id)
    if services.scheduler is not None:
        await services.scheduler.rebuild()
    async with services.units.reading() as session:
        stores = (await session.scalars(select(Store).where(Store.id.in_(new_stores)))).all()
        targets = [JobTarget(key=str(s.id), label=s.name, schedule=Every(60)) for s in stores]
    # Runs start only after the session above is closed: on SQLite every transaction takes the
    # write lock (BEGIN IMMEDIATE), so a session held open would block the run's own writes.
    for target in targets:
        await services.runner.run(
            CATALOG_DOWNLOAD, trigger=Trigger.USER, triggered_by="demo", target=target
        )
    if new_stores:
        await _opening_stock(services, warehouse_id=data.warehouse_id)
    for target in targets:
        await services.runner.run(
            ORDERS_DOWNLOAD, trigger=Trigger.USER, triggered_by="demo", target=target
        )
    # The refunds the sandbox sellers already have, so runbook 07 opens on real rows (the
    # daily run would read them only at 05:00).
    for target in targets:
        await services.runner.run(RETURNS, trigger=Trigger.USER, triggered_by="demo", target=target)
    log.info("demo: connected %d sandbox stores", len(new_stores))
    return new_stores


async def _opening_stock(services: Services, *, warehouse_id: int) -> None:
    """Give every stock product a few units in the warehouse, so demo sales can ship."""
    async with services.units() as uow:
        session = uow.session
        products = await session.scalars(
            select(Product.id).where(Product.type == ProductType.STOCK).order_by(Product.id)
        )
        for product_id in products.all():
            await receive_stock(
                session,
                product_id=product_id,
                location_id=warehouse_id,
                quantity=DEMO_STOCK,
                reason="demo opening stock",
            )
