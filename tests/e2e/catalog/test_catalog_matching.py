"""Linking listings to products: by SKU, by hand, EU-wide (CA-3, CA-7, CA-9, CA-10, ST-8)."""

from __future__ import annotations

from sqlalchemy import func, select

from skuport.domain.inventory.products.models import Product
from skuport.domain.inventory.products.service import create_product
from skuport.domain.listings.models import CatalogEntry
from tests.e2e.catalog.support import count, rows

ACTION_FIELDS = "{ __typename ... on CatalogActionDone { succeeded failed outcomes { entryId ok message productId } } ... on UserError { message field } }"  # noqa: E501


LINK = f"mutation($s: ID!, $e: [ID!]!, $p: ID!) {{ linkCatalogEntries(storeId: $s, entryIds: $e, productId: $p) {ACTION_FIELDS} }}"  # noqa: E501


UNLINK = f"mutation($s: ID!, $e: [ID!]!) {{ unlinkCatalogEntries(storeId: $s, entryIds: $e) {ACTION_FIELDS} }}"  # noqa: E501


CREATE = f"mutation($s: ID!, $e: [ID!]!) {{ createProductsFromCatalog(storeId: $s, entryIds: $e) {ACTION_FIELDS} }}"  # noqa: E501


async def test_matching_links_existing_products_by_sku_and_never_duplicates(
    gql, store, download, sandbox, sellers, sessions
):
    """CA-3: an existing product with the seller SKU is linked, not created again."""
    seller = sellers["NA"]
    sku = sorted(k[1] for k in sandbox.state.listings if k[0] == seller.seller_id)[0]
    async with sessions() as session, session.begin():
        ours = await create_product(session, sku=sku, name="Our own name for it")
    store_id, _ = await store(createProductIfNotFound=True)
    await download(store_id)
    await download(store_id)  # a second download changes nothing
    async with sessions() as session:
        assert await session.scalar(select(func.count(Product.id)).where(Product.sku == sku)) == 1
        linked = await session.scalars(select(CatalogEntry).where(CatalogEntry.seller_sku == sku))
        assert {e.product_id for e in linked} == {ours.id}
        kept = await session.get(Product, ours.id)
        assert kept.name == "Our own name for it"  # CA-9: not master, not changed


async def test_manual_matching_links_nothing(gql, store, download, sessions):
    """CA-10: with MANUAL matching nothing is linked automatically."""
    store_id, _ = await store(matchProducts="MANUAL")
    run = await download(store_id)
    assert run["processed"] > 0
    assert all(r["product"] is None for r in await rows(gql, store_id, variationsSeparately=True))
    assert await count(sessions, Product) == 0


async def test_by_sku_without_create_links_only_known_skus(gql, store, download, sessions):
    """CA-10: BY_SKU without 'create product if not found' creates nothing."""
    store_id, _ = await store()
    await download(store_id)
    assert await count(sessions, Product) == 0
    unlinked = await rows(gql, store_id, variationsSeparately=True, linked="UNLINKED")
    assert unlinked


async def test_amazon_as_master_overwrites_our_product_and_otherwise_not(
    store, download, sandbox, sellers, sessions
):
    """CA-9: with 'Amazon is master source' a download overwrites all but the SKU."""
    seller = sellers["NA"]
    listing = next(
        lst for (sid, _), lst in sorted(sandbox.state.listings.items())
        if sid == seller.seller_id and lst.product_type == "HOME"
    )  # fmt: skip
    async with sessions() as session, session.begin():
        ours = await create_product(session, sku=listing.sku, name="Renamed by us")
    store_id, _ = await store()
    await download(store_id)
    async with sessions() as session:
        assert (await session.get(Product, ours.id)).name == "Renamed by us"
    await store_settings_master(store_id, sessions)
    await download(store_id)
    async with sessions() as session:
        product = await session.get(Product, ours.id)
        assert product.name != "Renamed by us"
        assert product.sku == listing.sku
        assert product.weight_kg is not None


async def store_settings_master(store_id: str, sessions) -> None:
    from skuport.domain.stores.settings import SettingsChange, update_settings

    async with sessions() as session, session.begin():
        await update_settings(
            session, store_id=int(store_id), change=SettingsChange(amazon_is_master=True)
        )


async def test_global_sku_links_one_product_in_every_eu_marketplace_with_aliases(
    gql, store, download, sandbox, sellers, sessions
):
    """ST-8: one product, listings in UK, DE, FR, IT, ES; titles differing show as alias."""
    store_id, _ = await store("EU", createProductIfNotFound=True)
    await download(store_id)
    listings = await rows(gql, store_id, variationsSeparately=True)
    by_sku: dict[str, set] = {}
    for r in listings:
        by_sku.setdefault(r["sellerSku"], set()).add((r["marketplaceId"], r["product"]["id"]))
    shared = [s for s, found in by_sku.items() if len({m for m, _ in found}) > 1]
    assert shared
    for sku in shared:
        assert len({p for _, p in by_sku[sku]}) == 1  # one product across marketplaces
    # an alias: our product renamed, the listing keeps Amazon's title
    async with sessions() as session, session.begin():
        product = await session.scalar(select(Product).where(Product.sku == shared[0]))
        product.name = "Our house name"
    again = await rows(gql, store_id, variationsSeparately=True, search=shared[0])
    assert {r["aliasName"] for r in again} - {None}


async def test_manual_link_unlink_and_create_for_one_row_or_many(gql, store, download, sessions):
    """CA-7: leave unlinked, link to an existing product, create (only if the SKU is free)."""
    store_id, codes = await store(matchProducts="MANUAL")
    await download(store_id)
    listings = await rows(gql, store_id, marketplaceId=codes["US"], variationsSeparately=True)
    simple = [r for r in listings if not r["family"]]
    first, second, third = simple[0], simple[1], simple[2]
    async with sessions() as session, session.begin():
        target = await create_product(session, sku="OURS-1", name="Ours")
        await create_product(session, sku=third["sellerSku"], name="Taken SKU")
    linked = await gql(LINK, s=store_id, e=[first["id"], second["id"]], p=str(target.id))
    assert linked["data"]["linkCatalogEntries"]["succeeded"] == 2
    again = (await gql(LINK, s=store_id, e=[first["id"]], p="999999"))["data"]
    assert again["linkCatalogEntries"]["failed"] == 1
    unlinked = (await gql(UNLINK, s=store_id, e=[second["id"]]))["data"]["unlinkCatalogEntries"]
    assert unlinked["succeeded"] == 1
    created = (await gql(CREATE, s=store_id, e=[second["id"], third["id"], first["id"]]))["data"]
    outcomes = {o["entryId"]: o for o in created["createProductsFromCatalog"]["outcomes"]}
    assert outcomes[second["id"]]["ok"] is True
    assert outcomes[third["id"]]["ok"] is False and "exists" in outcomes[third["id"]]["message"]
    assert outcomes[first["id"]]["ok"] is False and "linked" in outcomes[first["id"]]["message"]
    readonly = await gql(UNLINK, role="readonly", s=store_id, e=[first["id"]])
    assert readonly["errors"][0]["extensions"]["code"] == "FORBIDDEN"
