"""Finding, creating and refreshing our products from catalog entries (CA-3, CA-4, CA-9)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.catalog.facts import ProductFacts
from domain.catalog.models import CatalogEntry, CatalogFamily, LinkSource
from domain.inventory.catalog.families import add_variant, create_family
from domain.inventory.catalog.models import Product, ProductFamily
from domain.inventory.catalog.service import (
    create_product,
    find_product_by_sku,
    set_product_price,
    update_product,
)
from domain.inventory.errors import DuplicateName


@dataclass(frozen=True)
class LinkPolicy:
    """The store's matching settings (ST-5) as the download applies them."""

    automatic: bool
    create_missing: bool
    amazon_is_master: bool
    tax_rule_id: int | None


@dataclass(frozen=True)
class LinkOutcome:
    product: Product | None
    source: LinkSource | None = None
    created: bool = False


def _details(facts: ProductFacts, tax_rule_id: int | None) -> dict[str, Any]:
    return {
        "category": facts.category,
        "brand": facts.brand,
        "barcode": facts.barcode,
        "weight_kg": facts.weight_kg,
        "length_cm": facts.length_cm,
        "width_cm": facts.width_cm,
        "height_cm": facts.height_cm,
        "description": facts.description,
        "image_urls": list(facts.image_urls),
        "default_tax_rule_id": tax_rule_id,
    }


async def _name_taken(session: AsyncSession, name: str, *, except_id: int | None = None) -> bool:
    statement = select(Product.id).where(func.lower(Product.name) == name.lower())
    if except_id is not None:
        statement = statement.where(Product.id != except_id)
    return await session.scalar(statement.limit(1)) is not None


async def unique_name(
    session: AsyncSession, name: str, asin: str, *, except_id: int | None = None
) -> str:
    """CA-4: names stay unique — a second product with the same title gets its ASIN added."""
    if not await _name_taken(session, name, except_id=except_id):
        return name
    return f"{name} ({asin})"


async def linked_product(session: AsyncSession, entry: CatalogEntry) -> Product | None:
    """CA-3 step 2: the product this store already links to the same Amazon id."""
    product_id = await session.scalar(
        select(CatalogEntry.product_id)
        .where(
            CatalogEntry.store_id == entry.store_id,
            CatalogEntry.asin == entry.asin,
            CatalogEntry.product_id.is_not(None),
        )
        .limit(1)
    )
    return await session.get(Product, product_id) if product_id is not None else None


async def product_family_for(
    session: AsyncSession, family: CatalogFamily, *, create: bool
) -> ProductFamily | None:
    """CA-3 step 1: the product family linked to this Amazon parent, else the one named like it."""
    if family.family_id is not None:
        found = await session.get(ProductFamily, family.family_id)
        if found is not None:
            return found
    found = await session.scalar(
        select(ProductFamily).where(func.lower(ProductFamily.name) == family.title.lower())
    )
    if found is None and create:
        found = await create_family(
            session, name=family.title, option_names=family.themes or ["Option"]
        )
    if found is not None:
        family.family_id = found.id
    return found


@dataclass
class KnownProducts:
    """A batch's look-ups done once: products linked by ASIN and products by SKU."""

    by_asin: dict[str, int] = field(default_factory=dict)
    by_sku: dict[str, Product] = field(default_factory=dict)

    @classmethod
    async def load(
        cls, session: AsyncSession, *, store_id: int, asins: set[str], skus: set[str]
    ) -> KnownProducts:
        linked = await session.execute(
            select(CatalogEntry.asin, CatalogEntry.product_id).where(
                CatalogEntry.store_id == store_id,
                CatalogEntry.asin.in_(asins),
                CatalogEntry.product_id.is_not(None),
            )
        )
        products = await session.scalars(
            select(Product).where(func.lower(Product.sku).in_([s.lower() for s in skus]))
        )
        return cls(
            by_asin={asin: product_id for asin, product_id in linked.all()},
            by_sku={p.sku.lower(): p for p in products},
        )

    async def product_for(
        self, session: AsyncSession, entry: CatalogEntry, facts: ProductFacts
    ) -> Product | None:
        """CA-3 steps 2 and 3: by the Amazon id linked in this store, then by SKU."""
        product_id = self.by_asin.get(entry.asin)
        if product_id is not None:
            return await session.get(Product, product_id)
        return self.by_sku.get(facts.sku.lower())

    def forget(self, entry: CatalogEntry, facts: ProductFacts) -> None:
        """Drop what a rolled-back attempt may have remembered for this listing."""
        self.by_asin.pop(entry.asin, None)
        self.by_sku.pop(facts.sku.lower(), None)

    def remember(self, entry: CatalogEntry, product: Product) -> None:
        self.by_asin[entry.asin] = product.id
        self.by_sku[product.sku.lower()] = product


async def find_or_create_product(
    session: AsyncSession,
    *,
    entry: CatalogEntry,
    facts: ProductFacts,
    policy: LinkPolicy,
    price_tier_id: int | None,
    known: KnownProducts | None = None,
) -> LinkOutcome:
    """Match by link, then by SKU (CA-3); create when allowed (CA-10)."""
    if known is not None:
        product = await known.product_for(session, entry, facts)
    else:
        product = await linked_product(session, entry)
        if product is None:
            product = await find_product_by_sku(session, sku=facts.sku)
    if product is not None:
        if entry.family is not None:
            await product_family_for(session, entry.family, create=False)
        return LinkOutcome(product, LinkSource.MATCHED)
    if not policy.create_missing:
        return LinkOutcome(None)
    product = await create_from_entry(
        session, entry=entry, facts=facts, tax_rule_id=policy.tax_rule_id
    )
    await _set_price(session, product, entry.price, price_tier_id)
    if known is not None:
        known.remember(entry, product)
    return LinkOutcome(product, LinkSource.CREATED, created=True)


async def create_from_entry(
    session: AsyncSession, *, entry: CatalogEntry, facts: ProductFacts, tax_rule_id: int | None
) -> Product:
    """A new product (or a variant of the entry's family) built from Amazon's data (CA-4).

    No stock is imported: the first load never brings quantities (CA-5).
    """
    details = _details(facts, tax_rule_id)
    if entry.family is not None:
        family = await product_family_for(session, entry.family, create=True)
        assert family is not None
        values = [v or "-" for v in entry.option_values][: len(family.option_names)]
        values += ["-"] * (len(family.option_names) - len(values))
        try:
            return await add_variant(
                session, family_id=family.id, sku=facts.sku, option_values=values, **details
            )
        except DuplicateName:
            # Two children with the same option values: the ASIN keeps their names apart.
            values[-1] = f"{values[-1]} {entry.asin}"
            return await add_variant(
                session, family_id=family.id, sku=facts.sku, option_values=values, **details
            )
    try:
        return await create_product(session, sku=facts.sku, name=facts.name, **details)
    except DuplicateName:
        # CA-4: names stay unique; refusals happen before anything is written, so retrying is safe.
        name = f"{facts.name} ({entry.asin})"
        return await create_product(session, sku=facts.sku, name=name, **details)


async def fill_missing_price(
    session: AsyncSession, product: Product, price: Decimal | None, tier_id: int | None
) -> None:
    """Give a linked product the listing's price in a tier it has no price in (never overwrite)."""
    if tier_id is None or price is None:
        return
    if any(existing.price_tier_id == tier_id for existing in product.prices):
        return
    await _set_price(session, product, price, tier_id)


async def _set_price(
    session: AsyncSession, product: Product, price: Decimal | None, tier_id: int | None
) -> None:
    if tier_id is not None and price is not None:
        await set_product_price(session, product_id=product.id, price_tier_id=tier_id, price=price)


async def apply_facts_as_master(
    session: AsyncSession, entry: CatalogEntry, facts: ProductFacts, price_tier_id: int | None
) -> None:
    """CA-9: Amazon is the master source — overwrite the product's data, all but its SKU."""
    assert entry.product_id is not None
    product = await session.get(Product, entry.product_id)
    if product is None:
        return
    details = _details(facts, product.default_tax_rule_id)
    del details["default_tax_rule_id"]
    if product.family_id is None:
        details["name"] = await unique_name(session, facts.name, entry.asin, except_id=product.id)
    await update_product(session, product_id=product.id, **details)
    await _set_price(session, product, entry.price, price_tier_id)
