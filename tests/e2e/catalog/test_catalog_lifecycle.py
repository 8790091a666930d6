"""The catalog over time: replaced listings, re-runs, hourly job, disconnect (CA-8, ST-4, ST-9)."""

from __future__ import annotations

from skuport.domain.inventory.products.models import Product, ProductFamily
from skuport.domain.listings.models import CatalogEntry
from tests.e2e.catalog.support import count, rows


async def test_a_replaced_listing_is_canceled_and_its_successor_listed(
    gql, store, download, sandbox, sellers
):
    """CA-8, the seed's example: A, B, C; C changes on Amazon: A, B listed, C canceled, D new."""
    seller = sellers["NA"]
    store_id, codes = await store(createProductIfNotFound=True)
    await download(store_id)
    before = await rows(gql, store_id, marketplaceId=codes["US"], variationsSeparately=True)
    old = next(r for r in before if not r["family"])
    # when the listing C is replaced on Amazon by D
    replaced = sandbox.state.listings.pop((seller.seller_id, old["sellerSku"]))
    replaced.sku = old["sellerSku"] + "-D"
    sandbox.state.listings[(seller.seller_id, replaced.sku)] = replaced
    run = await download(store_id)
    # then
    after = await rows(gql, store_id, marketplaceId=codes["US"], variationsSeparately=True)
    everything = await rows(
        gql, store_id, marketplaceId=codes["US"], variationsSeparately=True, onlyActive=False
    )
    statuses = {r["sellerSku"]: r["status"] for r in everything}
    assert statuses[old["sellerSku"]] == "CANCELED"
    assert statuses[old["sellerSku"] + "-D"] == "LISTED"
    assert old["sellerSku"] not in {r["sellerSku"] for r in after}  # only active by default
    assert sum(1 for r in after if r["status"] == "LISTED") == len(before)
    assert run["cancelled"] >= 1


async def test_an_interrupted_download_converges_when_run_again(
    gql, store, download, sandbox, sessions
):
    """Throttled mid-download past every retry: the run fails, the next converges, no duplicates."""
    from skuport.sandbox.faults import Fault

    store_id, _ = await store(createProductIfNotFound=True)
    reference = await download(store_id)
    listings = await count(sessions, CatalogEntry)
    products = await count(sessions, Product)
    families = await count(sessions, ProductFamily)
    # a fresh store of the same seller, interrupted by throttling on catalog details
    await gql("mutation($id: ID!) { disconnectStore(id: $id) { __typename } }", id=store_id)
    store_id, _ = await store(createProductIfNotFound=True)
    sandbox.faults.add(Fault(kind="429", count=50, operation="searchCatalogItems"))
    failed = await download(store_id)
    sandbox.faults.clear()
    assert failed["status"] == "FAILED"
    assert "QuotaExceeded" in failed["errors"][-1]["reason"]
    finished = await download(store_id)
    assert finished["status"] == "SUCCEEDED"
    assert finished["processed"] == reference["processed"]
    assert await count(sessions, CatalogEntry) == listings
    assert await count(sessions, Product) == products
    assert await count(sessions, ProductFamily) == families


async def test_the_catalog_download_runs_hourly_for_each_store(gql, store, app):
    """ST-9: one hourly catalog job per connected store."""
    store_id, _ = await store()
    jobs = (await gql("{ jobs { name perStore } }"))["data"]["jobs"]
    assert {"name": "catalog_download", "perStore": True} in jobs
    from skuport.domain.listings.scheduled import CATALOG_DOWNLOAD

    async with app.state.services.sessions() as session:
        targets = await CATALOG_DOWNLOAD.targets(session)
    assert [(t.key, t.schedule.minutes) for t in targets] == [(store_id, 60)]


async def test_disconnect_removes_the_catalog_and_links_but_keeps_products(
    gql, store, download, sessions
):
    """ST-4: after disconnecting, no catalog entry or family remains; our products stay."""
    from skuport.domain.listings.models import CatalogFamily

    store_id, _ = await store(createProductIfNotFound=True)
    await download(store_id)
    products = await count(sessions, Product)
    assert await count(sessions, CatalogEntry) > 0
    await gql("mutation($id: ID!) { disconnectStore(id: $id) { __typename } }", id=store_id)
    assert await count(sessions, CatalogEntry) == 0
    assert await count(sessions, CatalogFamily) == 0
    assert await count(sessions, Product) == products > 0
