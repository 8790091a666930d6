"""SY-1: switching stock updates on, or linking listings, sends the store's quantities at once."""

from __future__ import annotations

from sqlalchemy import select

from skuport.domain.listings.models import CatalogEntry
from tests.e2e.stock_push_support import (
    RUNS,
    SETTINGS,
    amazon_quantities,
    fbm_skus,
    location,
    receive,
    settle,
)

LINK = """
mutation($storeId: ID!, $entryIds: [ID!]!, $productId: ID!) {
  linkCatalogEntries(storeId: $storeId, entryIds: $entryIds, productId: $productId) {
    __typename
  }
}
"""

UNLINK = """
mutation($storeId: ID!, $entryIds: [ID!]!) {
  unlinkCatalogEntries(storeId: $storeId, entryIds: $entryIds) { __typename }
}
"""


async def pushes(gql) -> list[dict]:
    runs = (await gql(RUNS))["data"]["runs"]["nodes"]
    return [r for r in runs if r["operation"] == "stock_push"]


async def test_sy1_switching_stock_updates_on_pushes_at_once(
    app, eu_store, sessions, sandbox, sellers, gql
):
    """SY-1: with no order download and no safety-net run due, turning "update stock levels"
    on sends our figures straight away (nothing on hand → 0 on every FBM listing)."""
    store_id = await eu_store(updateStockLevels=False)
    skus = await fbm_skus(sessions, store_id)
    assert any(set(amazon_quantities(sandbox, sellers["EU"], s).values()) != {0} for s in skus)
    assert await pushes(gql) == []
    switched = await gql(SETTINGS, storeId=str(store_id), settings={"updateStockLevels": True})
    assert switched["data"]["updateStoreSettings"]["__typename"] == "StoreSaved"
    await settle(app, sandbox)
    [push] = await pushes(gql)
    assert push["status"] == "SUCCEEDED"
    for sku in skus:
        assert set(amazon_quantities(sandbox, sellers["EU"], sku).values()) == {0}
    # saving the settings again (already on) starts no second push
    await gql(SETTINGS, storeId=str(store_id), settings={"updateStockLevels": True})
    await settle(app, sandbox)
    assert len(await pushes(gql)) == 1


async def test_sy1_linking_a_listing_pushes_its_quantity_at_once(
    app, eu_store, sessions, sandbox, sellers, gql
):
    """SY-1: a listing linked by hand gets our figure now, not at the next safety-net run."""
    store_id = await eu_store()
    sku = (await fbm_skus(sessions, store_id))[0]
    async with sessions() as session:
        entries = list(await session.scalars(select(CatalogEntry).where(
            CatalogEntry.store_id == store_id, CatalogEntry.seller_sku == sku
        )))  # fmt: skip
    product_id, ids = entries[0].product_id, [str(e.id) for e in entries]
    unlinked = await gql(UNLINK, role="operations", storeId=str(store_id), entryIds=ids)
    assert unlinked["data"]["unlinkCatalogEntries"]["__typename"] == "CatalogActionDone"
    await settle(app, sandbox)
    # stock arrives while the listing is unlinked: Amazon keeps its own figure
    await receive(app, sessions, {product_id: 5}, await location(sessions))
    await settle(app, sandbox)
    assert 5 not in amazon_quantities(sandbox, sellers["EU"], sku).values()
    linked = await gql(
        LINK, role="operations", storeId=str(store_id), entryIds=ids, productId=str(product_id)
    )
    assert linked["data"]["linkCatalogEntries"]["__typename"] == "CatalogActionDone", linked
    await settle(app, sandbox)
    assert set(amazon_quantities(sandbox, sellers["EU"], sku).values()) == {5}


async def test_sy1_listings_a_catalog_download_links_get_our_quantities_at_once(
    app, eu_store, sessions, sandbox, sellers, gql
):
    """SY-1: the catalog download that links a store's listings (stock updates on) sends our
    figures for them right after it, not at the next safety-net run (nothing on hand → 0)."""
    store_id = await eu_store()
    await settle(app, sandbox)
    skus = await fbm_skus(sessions, store_id)
    assert skus
    assert any(push["status"] == "SUCCEEDED" for push in await pushes(gql))
    for sku in skus:
        assert set(amazon_quantities(sandbox, sellers["EU"], sku).values()) == {0}, sku
