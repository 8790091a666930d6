"""Catalog downloads in batches: few statements, shared products, refused and colliding rows."""

from __future__ import annotations

from sqlalchemy import select

from skuport.domain.inventory.products.models import Product
from skuport.domain.listings.models import CatalogEntry
from tests.e2e.catalog.support import count, rows


async def test_a_download_works_in_a_few_statements_per_batch_not_per_listing(
    store, download, sessions
):
    """Batches: look-ups, new products, prices and entries are a few statements per batch."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    store_id, _ = await store(createProductIfNotFound=True)
    statements = 0

    def tally(*_args: object) -> None:
        nonlocal statements
        statements += 1

    # when the catalog is downloaded into an empty database, then again
    # every engine: the app has its own
    event.listen(Engine, "before_cursor_execute", tally)
    try:
        first = await download(store_id)
        into_empty, statements = statements, 0
        await download(store_id)
        again = statements
    finally:
        event.remove(Engine, "before_cursor_execute", tally)
    # then: about an INSERT per new entry (it was 13 statements per listing), fewer when known;
    # the rest is per batch and marketplace (look-ups, the run's progress)
    listings = first["processed"]
    assert await count(sessions, Product) > 0
    assert into_empty < 3 * listings, (into_empty, listings)
    assert again < listings, (again, listings)


async def test_listings_sharing_an_asin_or_a_sku_in_one_batch_share_one_product(
    gql, store, download, sandbox, sellers, sessions
):
    """CA-3 within a batch: a second listing of the same ASIN links to the product just made."""
    from dataclasses import replace as copy

    seller = sellers["NA"]
    sku, listing = next(
        (k[1], lst) for k, lst in sorted(sandbox.state.listings.items())
        if k[0] == seller.seller_id and lst.product_type == "HOME"
    )  # fmt: skip
    twin = copy(listing, sku=f"{sku}-FBA", offers=dict(listing.offers))
    sandbox.state.listings[(seller.seller_id, twin.sku)] = twin
    store_id, _ = await store(createProductIfNotFound=True)
    run = await download(store_id)
    assert run["status"] == "SUCCEEDED" and run["skipped"] == 0, run
    async with sessions() as session:
        statement = select(CatalogEntry).where(CatalogEntry.asin == listing.asin)
        entries = list(await session.scalars(statement))
        assert {e.seller_sku for e in entries} == {sku, twin.sku}
        assert len({e.product_id for e in entries}) == 1
        # created for one listing in its first marketplace; matched everywhere else
        assert [e.link_source.value for e in entries].count("created") == 1
        made = await session.scalars(select(Product.sku).where(Product.sku.in_([sku, twin.sku])))
        assert len(list(made)) == 1


async def test_a_refused_listing_is_skipped_with_its_reason_and_its_batch_is_kept(
    gql, store, download, sandbox, sellers, sessions
):
    """A listing our catalog refuses (a SKU over 100 characters) is skipped; the rest is made."""
    seller = sellers["NA"]
    key, listing = next(
        (k, lst) for k, lst in sorted(sandbox.state.listings.items())
        if k[0] == seller.seller_id and lst.product_type == "HOME"
    )  # fmt: skip
    del sandbox.state.listings[key]
    listing.sku = "X" * 120
    sandbox.state.listings[(seller.seller_id, listing.sku)] = listing
    store_id, _ = await store(createProductIfNotFound=True)
    run = await download(store_id)
    assert run["status"] == "SUCCEEDED", run
    # one skip per marketplace listing it
    assert {e["reason"] for e in run["errors"]} == {"sku: must be at most 100 characters"}
    assert len(run["errors"]) == len(listing.offers)
    everything = await rows(gql, store_id, variationsSeparately=True)
    refused = [r for r in everything if r["sellerSku"] == listing.sku]
    assert len(refused) == len(listing.offers)  # the entries are kept, unlinked
    assert all(r["product"] is None for r in refused)
    assert all(r["product"] for r in everything if r["sellerSku"] != listing.sku)


async def test_a_batch_that_keeps_colliding_is_stored_unlinked_and_skipped(
    store, download, sessions, monkeypatch
):
    """Another download creating the same rows twice running: entries kept, links left for later."""
    from sqlalchemy.exc import IntegrityError

    import skuport.domain.listings.download as downloading

    async def collide(*_args, **_kwargs):
        raise IntegrityError("INSERT …", {}, Exception("UNIQUE constraint failed"))

    monkeypatch.setattr(downloading, "match_or_create", collide)
    store_id, _ = await store(createProductIfNotFound=True)
    run = await download(store_id)
    assert run["status"] == "SUCCEEDED", run
    assert run["skipped"] == run["processed"] > 0
    assert {e["reason"] for e in run["errors"]} == {"created concurrently elsewhere; run again"}
    assert await count(sessions, CatalogEntry) == run["processed"]
    assert await count(sessions, Product) == 0
