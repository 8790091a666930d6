"""A listing as the catalog download stores it: its report row joined with Amazon's catalog
details (CA-1, CA-4), and the catalog entry and variation family it becomes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.amazon.catalog_items import CatalogItem
from skuport.domain.listings.facts import ProductFacts, Variation, facts_of, variation_of
from skuport.domain.listings.models import CatalogEntry, CatalogFamily, CatalogStatus
from skuport.domain.listings.source import ListingRow


@dataclass(frozen=True)
class MarketplaceTarget:
    """One enabled marketplace of the store: where its listings go and at what price tier."""

    marketplace_id: str
    code: str
    currency: str
    price_tier_id: int | None


@dataclass(frozen=True)
class Listing:
    """A report row with what Amazon's catalog says about it."""

    row: ListingRow
    facts: ProductFacts
    variation: Variation | None
    parent_title: str | None


def listings_of(rows: Sequence[ListingRow], items: dict[str, CatalogItem]) -> list[Listing]:
    """Join report rows with catalog details; families' children sorted after their parent."""
    listings = []
    for row in rows:
        item = items.get(row.asin)
        facts = facts_of(item, seller_sku=row.seller_sku, asin=row.asin, title=row.title)
        variation, parent_title = None, None
        if item is not None and item.parent_asins:
            parent = items.get(item.parent_asins[0])
            if parent is not None:
                variation = variation_of(item, parent)
                parent_title = parent.name or parent.asin
        listings.append(Listing(row, facts, variation, parent_title))
    return sorted(
        listings,
        key=lambda lst: (lst.variation.parent_asin if lst.variation else "", lst.row.asin),
    )


def new_entry(
    store_id: int, target: MarketplaceTarget, row: ListingRow, now: datetime
) -> CatalogEntry:
    """A listing seen for the first time: listed, not yet linked."""
    return CatalogEntry(
        store_id=store_id,
        marketplace_id=target.marketplace_id,
        seller_sku=row.seller_sku,
        asin=row.asin,
        first_seen_at=now,
        status=CatalogStatus.LISTED,
        option_values=[],
        details={},
    )


def refresh_entry(
    entry: CatalogEntry, listing: Listing, target: MarketplaceTarget, token: str, now: datetime
) -> None:
    """The entry as the listing says now; `token` marks it seen by this download."""
    row, facts = listing.row, listing.facts
    entry.title = row.title or facts.name
    entry.isbn = facts.isbn
    entry.status = CatalogStatus.LISTED if row.active else CatalogStatus.NOT_LISTED
    entry.fulfilment = row.fulfilment
    entry.price = row.price.quantize(Decimal("0.0001")) if row.price is not None else None
    entry.currency = target.currency
    entry.quantity = row.quantity
    entry.brand = facts.brand or ""
    entry.category = facts.category or ""
    entry.details = facts.as_details()
    entry.option_values = list(listing.variation.values) if listing.variation else []
    entry.last_seen_at = now
    entry.canceled_at = None
    entry.sync_token = token


def family_of(
    session: AsyncSession, families: dict[str, CatalogFamily], store_id: int, listing: Listing
) -> CatalogFamily:
    """The listing's family, found in `families` or added to them, with its title and themes."""
    assert listing.variation is not None
    family = families.get(listing.variation.parent_asin)
    if family is None:
        family = CatalogFamily(store_id=store_id, parent_asin=listing.variation.parent_asin)
        session.add(family)
        families[family.parent_asin] = family
    family.title = listing.parent_title or listing.variation.parent_asin
    family.themes = list(listing.variation.themes)
    return family
