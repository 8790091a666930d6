"""A catalog download maps listings to entries, products, families and prices (CA-1 … CA-6)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from skuport.domain.inventory.products.models import Product, ProductFamily
from skuport.domain.inventory.reference.service import create_price_tier
from skuport.domain.inventory.stock.models import StockMovement
from tests.e2e.catalog.support import count, rows


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
