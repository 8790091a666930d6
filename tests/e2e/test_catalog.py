"""The catalog through GraphQL against the sandbox Amazon (CA-1 … CA-10, ST-8, ST-9)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from skuport.domain.inventory.products.models import Product, ProductFamily
from skuport.domain.inventory.products.service import create_product
from skuport.domain.inventory.reference.service import create_price_tier
from skuport.domain.inventory.stock.models import StockMovement
from skuport.domain.listings.models import CatalogEntry

CONNECT = """
mutation($input: ConnectStoreInput!) {
  connectStore(input: $input) {
    __typename ... on StoreSaved { store { id marketplaces { marketplace { id code } } } }
    ... on UserError { message }
  }
}
"""
SETTINGS = """
mutation($storeId: ID!, $settings: StoreSettingsInput!) {
  updateStoreSettings(storeId: $storeId, settings: $settings) {
    __typename ... on UserError { message field }
  }
}
"""
DOWNLOAD = """
mutation($storeId: ID!) {
  downloadCatalog(storeId: $storeId) {
    __typename ... on JobStarted { run { id status } } ... on UserError { message }
  }
}
"""
RUN = """
query($id: ID!) {
  run(id: $id) { ... on OperationRun { status processed skipped cancelled message
    errors { item reason } } }
}
"""
CATALOG = """
query($storeId: ID!, $filter: CatalogFilterInput, $first: Int, $after: String) {
  catalog(storeId: $storeId, filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id isFamily marketplaceId sellerSku asin isbn title aliasName status fulfilment price
      currency optionValues family { title themes productFamilyId }
      product { id sku name } linkSource
      variants { id asin optionValues product { sku name } }
    }
  }
}
"""
ACTION_FIELDS = "{ __typename ... on CatalogActionDone { succeeded failed outcomes { entryId ok message productId } } ... on UserError { message field } }"  # noqa: E501
LINK = f"mutation($s: ID!, $e: [ID!]!, $p: ID!) {{ linkCatalogEntries(storeId: $s, entryIds: $e, productId: $p) {ACTION_FIELDS} }}"  # noqa: E501
UNLINK = f"mutation($s: ID!, $e: [ID!]!) {{ unlinkCatalogEntries(storeId: $s, entryIds: $e) {ACTION_FIELDS} }}"  # noqa: E501
CREATE = f"mutation($s: ID!, $e: [ID!]!) {{ createProductsFromCatalog(storeId: $s, entryIds: $e) {ACTION_FIELDS} }}"  # noqa: E501


@pytest.fixture
def store(gql, sellers, connect_input):
    """Connect a sandbox seller as a store; returns its id and marketplace ids by code."""

    async def connect(region: str = "NA", **settings):
        result = await gql(CONNECT, input=connect_input(sellers[region]))
        saved = result["data"]["connectStore"]["store"]
        if settings:
            changed = await gql(SETTINGS, storeId=saved["id"], settings=settings)
            assert changed["data"]["updateStoreSettings"]["__typename"] == "StoreSaved", changed
        codes = {m["marketplace"]["code"]: m["marketplace"]["id"] for m in saved["marketplaces"]}
        return saved["id"], codes

    return connect


@pytest.fixture
def download(gql, app):
    """Download a store's catalog through GraphQL and wait for the run to finish."""

    async def run(store_id: str) -> dict:
        started = await gql(DOWNLOAD, role="operations", storeId=store_id)
        run_id = started["data"]["downloadCatalog"]["run"]["id"]
        await app.state.services.runner.drain()
        return (await gql(RUN, id=run_id))["data"]["run"]

    return run


async def rows(gql, store_id, **filter):
    result = await gql(CATALOG, storeId=store_id, filter=filter, first=100)
    assert "errors" not in result, result
    return result["data"]["catalog"]["nodes"]


async def count(sessions, model) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count(model.id)))


async def test_a_download_maps_simple_products_families_and_books(gql, store, download, sessions):
    """CA-1, CA-2, CA-4: every listing becomes an entry; products, families and variants made."""
    store_id, _ = await store(createProductIfNotFound=True)
    run = await download(store_id)
    assert run["status"] == "SUCCEEDED", run
    assert run["processed"] > 0 and run["skipped"] == 0
    listings = await rows(gql, store_id, variationsSeparately=True)
    assert len(listings) == run["processed"]
    assert all(r["product"] for r in listings)  # BY_SKU + create: everything is linked
    async with sessions() as session:
        families = {f.name: f.option_names for f in await session.scalars(select(ProductFamily))}
        three = next(name for name, options in families.items() if len(options) == 3)
        assert families[three] == ["Size", "Color", "Style"]
        variant = await session.scalar(select(Product).where(Product.name.like(f"{three} (%")))
        assert variant.name.count(",") == 2  # Family (Size, Color, Style)
        book = await session.scalar(
            select(Product).where(Product.name.like("The Quiet Warehouse%"))
        )
        assert book.barcode == ""  # a book has an ISBN, no UPC/EAN
        lamp = await session.scalar(
            select(Product).where(Product.barcode != "", Product.family_id.is_(None))
        )
        assert len(lamp.barcode) in (12, 13) and lamp.weight_kg > 0
    book_rows = [r for r in listings if r["isbn"]]
    assert book_rows and all(r["isbn"].startswith("978") for r in book_rows)


async def test_families_are_one_row_unless_variations_are_shown_separately(gql, store, download):
    """CA-6: a family is one row by default, with its variants inside it."""
    store_id, codes = await store(createProductIfNotFound=True)
    await download(store_id)
    grouped = await rows(gql, store_id, marketplaceId=codes["US"])
    separate = await rows(gql, store_id, marketplaceId=codes["US"], variationsSeparately=True)
    families = [r for r in grouped if r["isFamily"]]
    assert families and len(grouped) < len(separate)
    assert len(grouped) - len(families) + sum(len(f["variants"]) for f in families) == len(separate)
    assert all(f["family"]["productFamilyId"] for f in families)


async def test_the_first_load_imports_no_stock(store, download, sessions):
    """CA-5: products are created without quantities, whatever Amazon shows."""
    store_id, _ = await store(createProductIfNotFound=True)
    await download(store_id)
    assert await count(sessions, Product) > 0
    assert await count(sessions, StockMovement) == 0


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


async def test_prices_go_into_the_marketplace_price_tier(gql, store, download, sessions):
    """CA-4: the listing's price lands in the price tier mapped to its marketplace."""
    store_id, codes = await store(createProductIfNotFound=True)
    async with sessions() as session, session.begin():
        tier = await create_price_tier(session, name="Amazon US", currency="USD")
    await gql(
        "mutation($s: ID!, $m: String!, $t: ID) { setStoreMarketplace(storeId: $s, "
        "marketplaceId: $m, priceTierId: $t) { __typename } }",
        s=store_id,
        m=codes["US"],
        t=str(tier.id),
    )
    await download(store_id)
    us = await rows(gql, store_id, marketplaceId=codes["US"], variationsSeparately=True)
    sample = next(r for r in us if r["price"])
    async with sessions() as session:
        product = await session.get(Product, int(sample["product"]["id"]))
        prices = {p.price_tier_id: p.price for p in product.prices}
    assert prices[tier.id] == Decimal(sample["price"])


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


async def test_a_book_listed_without_seller_sku_gets_its_isbn_as_sku(
    gql, store, download, sandbox, sellers, sessions
):
    """CA-4: SKU = seller SKU, else ISBN for books (else ASIN)."""
    seller = sellers["NA"]
    key, book = next(
        (k, lst) for k, lst in sorted(sandbox.state.listings.items())
        if k[0] == seller.seller_id and lst.product_type == "ABIS_BOOK"
    )  # fmt: skip
    del sandbox.state.listings[key]
    book.sku = ""
    sandbox.state.listings[(seller.seller_id, "")] = book
    isbn = dict(sandbox.state.products[book.asin].identifiers)["ISBN"]
    store_id, _ = await store(createProductIfNotFound=True)
    await download(store_id)
    async with sessions() as session:
        product = await session.scalar(select(Product).where(Product.sku == isbn))
    assert product is not None
    assert product.name.startswith("The Quiet Warehouse")


OPENING = """
mutation($storeId: ID!) {
  downloadCatalog(storeId: $storeId, importOpeningStock: true) {
    __typename ... on JobStarted { run { id } }
  }
}
"""


async def test_opening_stock_is_imported_only_on_request_and_only_once(
    gql, store, app, sessions, sandbox, sellers
):
    """BX-6 (with CA-5): an opt-in import receives FBM listing quantities as opening stock."""
    from skuport.domain.inventory.stock.service import create_location, stock_everywhere

    async with sessions() as session, session.begin():
        warehouse = await create_location(session, name="Main warehouse")
    store_id, _ = await store(createProductIfNotFound=True, fbmLocationId=str(warehouse.id))

    async def opening() -> dict:
        started = await gql(OPENING, role="operations", storeId=store_id)
        run_id = started["data"]["downloadCatalog"]["run"]["id"]
        await app.state.services.runner.drain()
        return (await gql(RUN, id=run_id))["data"]["run"]

    first = await opening()
    assert first["status"] == "SUCCEEDED", first
    seller = sellers["NA"]
    listing = next(
        lst for (sid, _), lst in sorted(sandbox.state.listings.items())
        if sid == seller.seller_id and lst.product_type == "HOME"
        and any(o.fulfillment == "DEFAULT" and o.quantity > 0 for o in lst.offers.values())
    )  # fmt: skip
    expected = max(o.quantity for o in listing.offers.values() if o.fulfillment == "DEFAULT")
    async with sessions() as session:
        product = await session.scalar(select(Product).where(Product.sku == listing.sku))
        figure = await stock_everywhere(session, product_id=product.id)
    assert figure.on_hand == Decimal(expected)
    assert "opening stock received for" in first["message"]
    # a second import leaves products with stock history alone
    movements = await count(sessions, StockMovement)
    second = await opening()
    assert await count(sessions, StockMovement) == movements
    assert any("not an opening" in e["reason"] for e in second["errors"])


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
