"""Finding, creating and refreshing our products from catalog entries (CA-3, CA-4, CA-9).

A download links a batch of listings at a time: its look-ups are a few queries for the batch,
and the products it creates are created together by `create_products`, with the same checks
as creating one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import DomainError, DuplicateName
from skuport.domain.inventory.products.families import NewFamily, create_families, new_variant
from skuport.domain.inventory.products.models import Product, ProductFamily
from skuport.domain.inventory.products.service import (
    NewProduct,
    create_products,
    set_product_price,
    update_product,
)
from skuport.domain.listings.facts import ProductFacts
from skuport.domain.listings.models import CatalogEntry, CatalogFamily, LinkSource


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


async def product_families_for(
    session: AsyncSession, families: Iterable[CatalogFamily], *, create: bool
) -> dict[str, ProductFamily | DomainError]:
    """CA-3 step 1: each Amazon parent's linked product family, else the one named like it.

    Keyed by parent ASIN; with `create`, a missing family is created (or refused, with why).
    """
    wanted = {family.parent_asin: family for family in families}
    ids = {f.family_id for f in wanted.values() if f.family_id is not None}
    by_id: dict[int, ProductFamily] = {}
    if ids:
        statement = select(ProductFamily).where(ProductFamily.id.in_(ids))
        by_id = {found.id: found for found in await session.scalars(statement)}
    found: dict[str, ProductFamily | DomainError] = {}
    by_title: dict[str, list[CatalogFamily]] = {}
    for asin, family in wanted.items():
        linked = by_id.get(family.family_id) if family.family_id is not None else None
        if linked is not None:
            found[asin] = linked
        else:
            by_title.setdefault(family.title.lower(), []).append(family)
    if by_title:
        titles = {f.title for members in by_title.values() for f in members}
        # Exact matches too: SQLite's lower() leaves non-ASCII letters as they are.
        statement = select(ProductFamily).where(
            or_(func.lower(ProductFamily.name).in_(by_title), ProductFamily.name.in_(titles))
        )
        named: dict[str, ProductFamily | DomainError] = {
            family.name.lower(): family for family in await session.scalars(statement)
        }
        missing = [key for key in by_title if key not in named]
        if create and missing:
            drafts = [
                NewFamily(
                    name=by_title[key][0].title, option_names=by_title[key][0].themes or ["Option"]
                )
                for key in missing
            ]
            named.update(zip(missing, await create_families(session, drafts), strict=True))
        for key, members in by_title.items():
            if key in named:
                found.update((family.parent_asin, named[key]) for family in members)
    for asin, result in found.items():
        if isinstance(result, ProductFamily):
            wanted[asin].family_id = result.id
    return found


@dataclass
class KnownProducts:
    """A batch's look-ups done once: products linked by ASIN in this store, products by SKU."""

    by_asin: dict[str, Product] = field(default_factory=dict)
    by_sku: dict[str, Product] = field(default_factory=dict)

    @classmethod
    async def load(
        cls, session: AsyncSession, *, store_id: int, asins: set[str], skus: set[str]
    ) -> KnownProducts:
        linked = dict(
            (
                await session.execute(
                    select(CatalogEntry.asin, CatalogEntry.product_id).where(
                        CatalogEntry.store_id == store_id,
                        CatalogEntry.asin.in_(asins),
                        CatalogEntry.product_id.is_not(None),
                    )
                )
            ).all()
        )
        # Exact matches too: SQLite's lower() leaves non-ASCII letters as they are.
        products = {
            p.id: p
            for p in await session.scalars(
                select(Product).where(
                    or_(
                        Product.id.in_(set(linked.values())),
                        func.lower(Product.sku).in_({s.lower() for s in skus}),
                        Product.sku.in_(skus),
                    )
                )
            )
        }
        lowered = {s.lower() for s in skus}
        return cls(
            by_asin={asin: products[pid] for asin, pid in linked.items() if pid in products},
            by_sku={p.sku.lower(): p for p in products.values() if p.sku.lower() in lowered},
        )

    def product_for(self, entry: CatalogEntry, facts: ProductFacts) -> Product | None:
        """CA-3 steps 2 and 3: by the Amazon id linked in this store, then by SKU."""
        return self.by_asin.get(entry.asin) or self.by_sku.get(facts.sku.lower())


async def match_or_create(
    session: AsyncSession,
    *,
    entries: Sequence[tuple[CatalogEntry, ProductFacts]],
    policy: LinkPolicy,
    price_tier_id: int | None,
    known: KnownProducts,
) -> list[LinkOutcome | DomainError]:
    """Match unlinked entries by link, then by SKU (CA-3); create the rest when allowed (CA-10).

    The products a batch needs are created together; a later listing with the same ASIN or SKU
    as one being created links to that product, as if they were handled one after the other.
    """
    outcomes: list[LinkOutcome | DomainError] = [LinkOutcome(None)] * len(entries)
    creating: list[int] = []
    pending: dict[tuple[str, str], int] = {}
    followers: dict[int, list[int]] = {}
    matched_families = []
    for index, (entry, facts) in enumerate(entries):
        product = known.product_for(entry, facts)
        first = pending.get(("asin", entry.asin), pending.get(("sku", facts.sku.lower())))
        if product is None and first is None:
            if policy.create_missing:
                creating.append(index)
                pending[("asin", entry.asin)] = pending[("sku", facts.sku.lower())] = index
            continue
        if entry.family is not None:
            matched_families.append(entry.family)
        if product is not None:
            outcomes[index] = LinkOutcome(product, LinkSource.MATCHED)
        elif first is not None:
            followers.setdefault(first, []).append(index)
    created = await create_from_entries(
        session,
        entries=[entries[i] for i in creating],
        tax_rule_id=policy.tax_rule_id,
        price_tiers={entry.marketplace_id: price_tier_id for entry, _ in entries},
    )
    for index, result in zip(creating, created, strict=True):
        if isinstance(result, DomainError):
            outcomes[index] = result
            for follower in followers.get(index, []):
                outcomes[follower] = result
            continue
        outcomes[index] = LinkOutcome(result, LinkSource.CREATED, created=True)
        for follower in followers.get(index, []):
            outcomes[follower] = LinkOutcome(result, LinkSource.MATCHED)
    await product_families_for(session, matched_families, create=False)
    return outcomes


async def create_from_entries(
    session: AsyncSession,
    *,
    entries: Sequence[tuple[CatalogEntry, ProductFacts]],
    tax_rule_id: int | None,
    price_tiers: Mapping[str, int | None] | None = None,
) -> list[Product | DomainError]:
    """New products (or variants of the entries' families) built from Amazon's data (CA-4).

    The listing's price goes into its marketplace's price tier, when one is given. No stock is
    imported: the first load never brings quantities (CA-5). Each entry gets its product or why not.
    """
    if not entries:
        return []
    families = await product_families_for(
        session, [entry.family for entry, _ in entries if entry.family is not None], create=True
    )
    tiers = price_tiers or {}
    results = await _create(session, entries, families, tax_rule_id, tiers, qualified=False)
    # CA-4: names stay unique — refusals happen before anything is written, so retrying is safe.
    again = [i for i, result in enumerate(results) if isinstance(result, DuplicateName)]
    if again:
        retried = await _create(
            session, [entries[i] for i in again], families, tax_rule_id, tiers, qualified=True
        )
        for index, result in zip(again, retried, strict=True):
            results[index] = result
    return results


async def _create(
    session: AsyncSession,
    entries: Sequence[tuple[CatalogEntry, ProductFacts]],
    families: Mapping[str, ProductFamily | DomainError],
    tax_rule_id: int | None,
    tiers: Mapping[str, int | None],
    *,
    qualified: bool,
) -> list[Product | DomainError]:
    drafts = [
        _draft(entry, facts, families, tax_rule_id, tiers.get(entry.marketplace_id), qualified)
        for entry, facts in entries
    ]
    created = iter(await create_products(session, [d for d in drafts if isinstance(d, NewProduct)]))
    return [next(created) if isinstance(d, NewProduct) else d for d in drafts]


def _draft(
    entry: CatalogEntry,
    facts: ProductFacts,
    families: Mapping[str, ProductFamily | DomainError],
    tax_rule_id: int | None,
    tier_id: int | None,
    qualified: bool,
) -> NewProduct | DomainError:
    details = _details(facts, tax_rule_id)
    prices = {tier_id: entry.price} if tier_id is not None and entry.price is not None else {}
    if entry.family is None:
        # A second product with the same name gets its ASIN added.
        name = f"{facts.name} ({entry.asin})" if qualified else facts.name
        return NewProduct(sku=facts.sku, name=name, details=details, prices=prices)
    family = families[entry.family.parent_asin]
    if isinstance(family, DomainError):
        return family
    values = [v or "-" for v in entry.option_values][: len(family.option_names)]
    values += ["-"] * (len(family.option_names) - len(values))
    if qualified:
        # Two children with the same option values: the ASIN keeps their names apart.
        values[-1] = f"{values[-1]} {entry.asin}"
    try:
        return new_variant(family, sku=facts.sku, option_values=values, prices=prices, **details)
    except DomainError as exc:
        return exc


async def create_from_entry(
    session: AsyncSession, *, entry: CatalogEntry, facts: ProductFacts, tax_rule_id: int | None
) -> Product:
    """One product (or variant) from Amazon's data, as `create_from_entries`; refusals raised."""
    (result,) = await create_from_entries(
        session, entries=[(entry, facts)], tax_rule_id=tax_rule_id
    )
    if isinstance(result, DomainError):
        raise result
    return result


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
