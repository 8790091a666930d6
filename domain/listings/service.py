"""The catalog as the analyst sees and fixes it (CA-6, CA-7): rows, link, unlink, create."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from skuport.domain.errors import DomainError
from skuport.domain.inventory.products.models import Product
from skuport.domain.listings.facts import ProductFacts
from skuport.domain.listings.linking import create_from_entries
from skuport.domain.listings.models import CatalogEntry, CatalogStatus, LinkSource
from skuport.domain.stores.events import StockLevelsWanted
from skuport.domain.stores.service import get_store
from skuport.domain.unit_of_work import record


class Linked(enum.StrEnum):
    LINKED = "linked"
    UNLINKED = "unlinked"


@dataclass(frozen=True)
class CatalogFilter:
    """CA-6: only active (hides CANCELED, on by default); variations separately (off)."""

    only_active: bool = True
    variations_separately: bool = False
    status: CatalogStatus | None = None
    marketplace_id: str | None = None
    linked: Linked | None = None
    search: str | None = None


def _filtered(statement: Select, entry: type[CatalogEntry], store_id: int, f: CatalogFilter):  # type: ignore[no-untyped-def,type-arg]
    statement = statement.where(entry.store_id == store_id)
    if f.only_active:
        statement = statement.where(entry.status != CatalogStatus.CANCELED)
    if f.status is not None:
        statement = statement.where(entry.status == f.status)
    if f.marketplace_id:
        statement = statement.where(entry.marketplace_id == f.marketplace_id)
    if f.linked is Linked.LINKED:
        statement = statement.where(entry.product_id.is_not(None))
    if f.linked is Linked.UNLINKED:
        statement = statement.where(entry.product_id.is_(None))
    if f.search:
        pattern = f"%{f.search.strip().lower()}%"
        statement = statement.where(
            or_(
                func.lower(entry.title).like(pattern),
                func.lower(entry.seller_sku).like(pattern),
                func.lower(entry.asin).like(pattern),
            )
        )
    return statement


def catalog_rows(store_id: int, f: CatalogFilter) -> Select:  # type: ignore[type-arg]
    """The catalog's rows: every listing, or (by default) one row per family and marketplace.

    A family's row is represented by its first matching entry, so rows page by entry id.
    """
    statement = _filtered(select(CatalogEntry), CatalogEntry, store_id, f)
    if f.variations_separately:
        return statement
    sibling = aliased(CatalogEntry)
    first_of_family = _filtered(select(func.min(sibling.id)), sibling, store_id, f).where(
        sibling.catalog_family_id == CatalogEntry.catalog_family_id,
        sibling.marketplace_id == CatalogEntry.marketplace_id,
    )
    return statement.where(
        or_(
            CatalogEntry.catalog_family_id.is_(None),
            CatalogEntry.id == first_of_family.scalar_subquery(),
        )
    )


@dataclass(frozen=True)
class RowDetails:
    """What a page of catalog rows shows beside the entries: family variants, linked products."""

    variants: dict[int, list[CatalogEntry]]
    products: dict[int, Product]


async def row_details(
    session: AsyncSession, *, entries: Sequence[CatalogEntry], f: CatalogFilter
) -> RowDetails:
    """Variants of the page's family rows and every linked product, in two queries."""
    variants: dict[int, list[CatalogEntry]] = {}
    families = {
        (e.catalog_family_id, e.marketplace_id): e.id
        for e in entries
        if e.catalog_family_id is not None and not f.variations_separately
    }
    if families:
        statement = _filtered(select(CatalogEntry), CatalogEntry, entries[0].store_id, f).where(
            CatalogEntry.catalog_family_id.in_({family for family, _ in families})
        )
        for member in await session.scalars(statement.order_by(CatalogEntry.asin)):
            row_id = families.get((member.catalog_family_id, member.marketplace_id))
            if row_id is not None:
                variants.setdefault(row_id, []).append(member)
    linked = {e.product_id for e in entries if e.product_id}
    linked |= {v.product_id for vs in variants.values() for v in vs if v.product_id}
    products = {
        p.id: p for p in await session.scalars(select(Product).where(Product.id.in_(linked)))
    }
    return RowDetails(variants=variants, products=products)


@dataclass(frozen=True)
class RowOutcome:
    """What happened to one row of a bulk action: done, or why not."""

    entry_id: int
    ok: bool
    message: str
    product_id: int | None = None


async def _entries(
    session: AsyncSession, store_id: int, entry_ids: Sequence[int]
) -> dict[int, CatalogEntry]:
    await get_store(session, store_id=store_id)
    rows = await session.scalars(
        select(CatalogEntry).where(
            CatalogEntry.store_id == store_id, CatalogEntry.id.in_(list(entry_ids))
        )
    )
    return {row.id: row for row in rows}


async def link_entries(
    session: AsyncSession, *, store_id: int, entry_ids: Sequence[int], product_id: int
) -> list[RowOutcome]:
    """CA-7: link listings to an existing product (several marketplaces: a global SKU, ST-8)."""
    product = await session.get(Product, product_id)
    entries = await _entries(session, store_id, entry_ids)
    outcomes = []
    for entry_id in entry_ids:
        entry = entries.get(entry_id)
        if entry is None:
            outcomes.append(RowOutcome(entry_id, False, "no such catalog entry in this store"))
        elif product is None:
            outcomes.append(RowOutcome(entry_id, False, f"no product with id {product_id}"))
        elif entry.product_id == product_id:
            outcomes.append(
                RowOutcome(entry_id, True, "already linked to this product", product_id)
            )
        elif entry.product_id is not None:
            outcomes.append(
                RowOutcome(
                    entry_id,
                    False,
                    "the listing is already linked to another product; unlink first",
                )
            )
        else:
            entry.product_id, entry.link_source = product_id, LinkSource.MANUAL
            outcomes.append(RowOutcome(entry_id, True, f"linked to {product.sku}", product_id))
    await session.flush()
    _levels_wanted(session, store_id, outcomes)
    return outcomes


def _levels_wanted(session: AsyncSession, store_id: int, outcomes: list[RowOutcome]) -> None:
    """SY-1: newly linked listings get our quantities now (if the store updates stock)."""
    if any(o.ok and o.product_id is not None for o in outcomes):
        record(session, StockLevelsWanted(store_id))


async def unlink_entries(
    session: AsyncSession, *, store_id: int, entry_ids: Sequence[int]
) -> list[RowOutcome]:
    """CA-7: leave listings unlinked; our products stay as they are."""
    entries = await _entries(session, store_id, entry_ids)
    outcomes = []
    for entry_id in entry_ids:
        entry = entries.get(entry_id)
        if entry is None:
            outcomes.append(RowOutcome(entry_id, False, "no such catalog entry in this store"))
            continue
        entry.product_id, entry.link_source = None, None
        outcomes.append(RowOutcome(entry_id, True, "unlinked"))
    await session.flush()
    return outcomes


async def create_products_for(
    session: AsyncSession, *, store_id: int, entry_ids: Sequence[int]
) -> list[RowOutcome]:
    """CA-7: create a product for each unlinked listing — only when no product has its SKU."""
    store = await get_store(session, store_id=store_id)
    settings = store.settings
    tiers = {m.marketplace_id: m.price_tier_id for m in store.marketplaces}
    entries = await _entries(session, store_id, entry_ids)
    facts = {
        entry.id: ProductFacts.from_details(entry.details)
        for entry in entries.values()
        if entry.details
    }
    taken = await _skus_in_use(session, {f.sku for f in facts.values()})
    outcomes: dict[int, RowOutcome] = {}
    wanted: list[CatalogEntry] = []
    for entry_id in entry_ids:
        entry = entries.get(entry_id)
        if entry is None:
            outcomes[entry_id] = RowOutcome(entry_id, False, "no such catalog entry in this store")
        elif entry.product_id is not None:
            outcomes[entry_id] = RowOutcome(entry_id, False, "already linked; unlink first")
        elif entry.id not in facts:
            outcomes[entry_id] = RowOutcome(entry_id, False, "no Amazon data yet: download first")
        elif facts[entry.id].sku.lower() in taken:
            sku = facts[entry.id].sku
            outcomes[entry_id] = RowOutcome(
                entry_id, False, f"a product with SKU {sku} exists: link to it"
            )
        else:
            taken.add(facts[entry.id].sku.lower())
            wanted.append(entry)
    created = await create_from_entries(
        session,
        entries=[(entry, facts[entry.id]) for entry in wanted],
        tax_rule_id=settings.line_tax_rule_id or settings.tax_free_rule_id,
        price_tiers=tiers,
    )
    for entry, result in zip(wanted, created, strict=True):
        if isinstance(result, DomainError):
            outcomes[entry.id] = RowOutcome(entry.id, False, f"{result.field}: {result.message}")
            continue
        entry.product_id, entry.link_source = result.id, LinkSource.CREATED
        outcomes[entry.id] = RowOutcome(entry.id, True, f"created {result.sku}", result.id)
    await session.flush()
    _levels_wanted(session, store_id, list(outcomes.values()))
    return [outcomes[entry_id] for entry_id in entry_ids]


async def _skus_in_use(session: AsyncSession, skus: set[str]) -> set[str]:
    """The given SKUs (lower case) some product already has."""
    if not skus:
        return set()
    # Exact matches too: SQLite's lower() leaves non-ASCII letters as they are.
    found = await session.scalars(
        select(Product.sku).where(
            or_(func.lower(Product.sku).in_({s.lower() for s in skus}), Product.sku.in_(skus))
        )
    )
    return {sku.lower() for sku in found}


__all__ = [
    "CatalogFilter",
    "Linked",
    "RowDetails",
    "RowOutcome",
    "catalog_rows",
    "create_products_for",
    "link_entries",
    "row_details",
    "unlink_entries",
]
