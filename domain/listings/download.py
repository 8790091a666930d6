"""Catalog download (CA-1 … CA-5, CA-8 … CA-10, ST-8, ST-9): Amazon's listings into our catalog.

The download reads every enabled marketplace's listings report and the items' details, then
applies them in small transactions: entries are upserted by (marketplace, seller SKU, ASIN),
products are found by link, then by SKU, and created only when the settings allow. Running it
again after an interruption converges to the same catalog: nothing is keyed on the attempt.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import DomainError
from skuport.domain.inventory.products.models import Product
from skuport.domain.jobs.runner import RunRecorder
from skuport.domain.listings.entries import (
    Listing,
    MarketplaceTarget,
    family_of,
    listings_of,
    new_entry,
    refresh_entry,
)
from skuport.domain.listings.linking import (
    KnownProducts,
    LinkPolicy,
    apply_facts_as_master,
    fill_missing_price,
    match_or_create,
)
from skuport.domain.listings.models import CatalogEntry, CatalogFamily, CatalogStatus
from skuport.domain.listings.source import ListingRow, catalog_items, listings_report, parse_listing
from skuport.domain.stores.events import StockLevelsWanted
from skuport.domain.stores.gateway import AmazonGateway
from skuport.domain.stores.models import MatchProducts, Store
from skuport.domain.stores.service import get_store
from skuport.domain.unit_of_work import UnitsOfWork

BATCH = 250


@dataclass
class DownloadSummary:
    """What a download did, per the operation log's counts."""

    listings: int = 0
    new_entries: int = 0
    linked: int = 0
    created_products: int = 0
    updated_products: int = 0
    canceled: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def add(self, other: DownloadSummary) -> None:
        """Count in what another part of the download did."""
        self.listings += other.listings
        self.new_entries += other.new_entries
        self.linked += other.linked
        self.created_products += other.created_products
        self.updated_products += other.updated_products
        self.canceled += other.canceled
        self.skipped += other.skipped

    def describe(self) -> str:
        return (
            f"{self.listings} listings: {self.new_entries} new, {self.linked} linked, "
            f"{self.created_products} products created, {self.updated_products} updated, "
            f"{self.canceled} canceled, {len(self.skipped)} skipped"
        )


async def download_catalog(
    *,
    units: UnitsOfWork,
    gateway: AmazonGateway,
    store_id: int,
    run: RunRecorder | None = None,
) -> DownloadSummary:
    """Download every listing of the store's enabled marketplaces into its catalog.

    Amazon's reports and catalog items are read with no transaction open; each batch of
    listings is then stored in a short unit of work.
    """
    async with units.reading() as session:
        store = await get_store(session, store_id=store_id)
    policy, targets = _plan(store)
    client = gateway.client_for(store)
    summary = DownloadSummary()
    for target in targets:
        token = uuid.uuid4().hex
        raw = await listings_report(client, target.marketplace_id, sleep=gateway.sleep)
        rows = []
        for number, raw_row in enumerate(raw, start=1):
            parsed = parse_listing(target.marketplace_id, raw_row)
            if parsed is None:
                summary.skipped.append((f"{target.code} row {number}", "the listing has no ASIN"))
                continue
            rows.append(parsed)
        items = await catalog_items(client, target.marketplace_id, [r.asin for r in rows])
        parents = {i.parent_asins[0] for i in items.values() if i.parent_asins} - items.keys()
        items.update(await catalog_items(client, target.marketplace_id, parents))
        listings = listings_of(rows, items)
        if run is not None:
            run.expect(len(listings), more=True)  # each marketplace's listings, as they come
        for start in range(0, len(listings), BATCH):
            batch = listings[start : start + BATCH]
            summary.add(await _store_batch(units, store_id, target, policy, batch, token))
            if run is not None:
                run.processed = summary.listings
                done = min(start + BATCH, len(listings))
                await run.progress(f"{target.code}: {done} of {len(listings)} listings")
        async with units() as uow:
            summary.canceled += await _cancel_unseen(
                uow.session, store_id, target.marketplace_id, token, uow.now()
            )
    if summary.linked:
        async with units() as uow:  # the newly linked listings get our figures after commit
            uow.record(StockLevelsWanted(store_id))
    if run is not None:
        run.processed = summary.listings
        run.cancelled = summary.canceled
        for item, reason in summary.skipped:
            run.skip(item, reason)
        run.message = summary.describe()
    return summary


def _plan(store: Store) -> tuple[LinkPolicy, list[MarketplaceTarget]]:
    """How the store's settings link listings, and its enabled marketplaces by code."""
    settings = store.settings
    policy = LinkPolicy(
        automatic=settings.match_products is MatchProducts.BY_SKU,
        create_missing=settings.create_product_if_not_found,
        amazon_is_master=settings.amazon_is_master,
        tax_rule_id=settings.line_tax_rule_id or settings.tax_free_rule_id,
    )
    targets = [
        MarketplaceTarget(
            m.marketplace_id, m.marketplace.code, m.marketplace.currency, m.price_tier_id
        )
        for m in sorted(store.marketplaces, key=lambda m: m.marketplace.code)
        if m.enabled
    ]
    return policy, targets


async def _store_batch(
    units: UnitsOfWork,
    store_id: int,
    target: MarketplaceTarget,
    policy: LinkPolicy,
    batch: list[Listing],
    token: str,
) -> DownloadSummary:
    """One batch in one transaction; what it did, counted only once it is committed."""
    for _attempt in (1, 2):
        done = DownloadSummary(listings=len(batch))
        try:
            async with units() as uow:
                await _apply(uow.session, store_id, target, policy, batch, token, uow.now(), done)
            return done
        except IntegrityError:
            # Another store's download created the same category, brand or family a moment
            # ago; on the second try it is found instead of created.
            continue
    done = DownloadSummary(listings=len(batch))
    entries_only = replace(policy, automatic=False, amazon_is_master=False)
    async with units() as uow:
        stored = await _apply(
            uow.session, store_id, target, entries_only, batch, token, uow.now(), done
        )
    done.skipped += [
        (_label(listing.row), "created concurrently elsewhere; run again")
        for entry, listing in zip(stored, batch, strict=True)
        if entry.product_id is None
    ]
    return done


async def _apply(
    session: AsyncSession,
    store_id: int,
    target: MarketplaceTarget,
    policy: LinkPolicy,
    batch: list[Listing],
    token: str,
    now: datetime,
    summary: DownloadSummary,
) -> list[CatalogEntry]:
    """Upsert the batch's entries, link them to products (creating some), in a few statements."""
    existing, families = await _stored_for(session, store_id, target, batch)
    entries, fresh = [], []
    for listing in batch:
        entry = existing.get((listing.row.seller_sku, listing.row.asin))
        if entry is None:
            entry = new_entry(store_id, target, listing.row, now)
            fresh.append(entry)  # added once linked: inserted with its product, not updated
            summary.new_entries += 1
        refresh_entry(entry, listing, target, token, now)
        if listing.variation is not None:
            entry.family = family_of(session, families, store_id, listing)
        entries.append(entry)
    already = [(e, lst) for e, lst in zip(entries, batch, strict=True) if e.product_id is not None]
    matched = []
    if policy.automatic:
        matched = await _link_unlinked(session, store_id, target, policy, entries, batch, summary)
    session.add_all(fresh)
    await _update_products(session, target, policy, already, matched, summary)
    return entries


async def _stored_for(
    session: AsyncSession, store_id: int, target: MarketplaceTarget, batch: list[Listing]
) -> tuple[dict[tuple[str, str], CatalogEntry], dict[str, CatalogFamily]]:
    """The batch's entries already stored, by (seller SKU, ASIN), and its families, by parent."""
    keys = [(lst.row.seller_sku, lst.row.asin) for lst in batch]
    existing = {
        (e.seller_sku, e.asin): e
        for e in await session.scalars(
            select(CatalogEntry).where(
                CatalogEntry.store_id == store_id,
                CatalogEntry.marketplace_id == target.marketplace_id,
                tuple_(CatalogEntry.seller_sku, CatalogEntry.asin).in_(keys),
            )
        )
    }
    parents = {lst.variation.parent_asin for lst in batch if lst.variation is not None}
    families = {
        f.parent_asin: f
        for f in await session.scalars(
            select(CatalogFamily).where(
                CatalogFamily.store_id == store_id, CatalogFamily.parent_asin.in_(parents)
            )
        )
    }
    return existing, families


async def _update_products(
    session: AsyncSession,
    target: MarketplaceTarget,
    policy: LinkPolicy,
    already: list[tuple[CatalogEntry, Listing]],
    matched: list[tuple[CatalogEntry, Listing, Product]],
    summary: DownloadSummary,
) -> None:
    """CA-9: Amazon is master over linked products; else matched ones only gain a missing price."""
    if policy.amazon_is_master:
        for entry, listing in [*already, *((e, lst) for e, lst, _ in matched)]:
            await _overwrite(session, entry, listing, target, summary)
        return
    for entry, listing, product in matched:
        try:
            await fill_missing_price(session, product, entry.price, target.price_tier_id)
        except DomainError as exc:  # refused before anything was written
            summary.skipped.append((_label(listing.row), f"{exc.field}: {exc.message}"))


async def _link_unlinked(
    session: AsyncSession,
    store_id: int,
    target: MarketplaceTarget,
    policy: LinkPolicy,
    entries: list[CatalogEntry],
    batch: list[Listing],
    summary: DownloadSummary,
) -> list[tuple[CatalogEntry, Listing, Product]]:
    """CA-3, CA-10: link the batch's unlinked entries; returns those matched, not created."""
    unlinked = [(e, lst) for e, lst in zip(entries, batch, strict=True) if e.product_id is None]
    if not unlinked:
        return []
    known = await KnownProducts.load(
        session,
        store_id=store_id,
        asins={entry.asin for entry, _ in unlinked},
        skus={listing.facts.sku for _, listing in unlinked},
    )
    outcomes = await match_or_create(
        session,
        entries=[(entry, listing.facts) for entry, listing in unlinked],
        policy=policy,
        price_tier_id=target.price_tier_id,
        known=known,
    )
    matched = []
    for (entry, listing), outcome in zip(unlinked, outcomes, strict=True):
        if isinstance(outcome, DomainError):
            summary.skipped.append((_label(listing.row), f"{outcome.field}: {outcome.message}"))
            continue
        if outcome.product is None:
            continue
        entry.product_id, entry.link_source = outcome.product.id, outcome.source
        summary.linked += 1
        if outcome.created:
            summary.created_products += 1
        else:
            matched.append((entry, listing, outcome.product))
    return matched


async def _overwrite(
    session: AsyncSession,
    entry: CatalogEntry,
    listing: Listing,
    target: MarketplaceTarget,
    summary: DownloadSummary,
) -> None:
    """CA-9: Amazon is master; a refused update skips its listing, the savepoint keeps the rest."""
    try:
        async with session.begin_nested():
            await apply_facts_as_master(session, entry, listing.facts, target.price_tier_id)
    except DomainError as exc:
        summary.skipped.append((_label(listing.row), f"{exc.field}: {exc.message}"))
    else:
        summary.updated_products += 1


async def _cancel_unseen(
    session: AsyncSession, store_id: int, marketplace_id: str, token: str, now: datetime
) -> int:
    """CA-8: entries this download did not see are gone or replaced on Amazon."""
    result = await session.execute(
        update(CatalogEntry)
        .where(
            CatalogEntry.store_id == store_id,
            CatalogEntry.marketplace_id == marketplace_id,
            CatalogEntry.sync_token != token,
            CatalogEntry.status != CatalogStatus.CANCELED,
        )
        .values(status=CatalogStatus.CANCELED, canceled_at=now)
    )
    return result.rowcount or 0


def _label(row: ListingRow) -> str:
    return f"{row.seller_sku or row.asin} ({row.asin})"
