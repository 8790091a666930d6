"""Issue 4 — Catalog Items search/get and Listings Items get/put/patch/delete (with preview)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from skuport.domain.amazon.catalog_items import get_catalog_item, search_catalog_items
from skuport.domain.amazon.errors import SpApiError
from skuport.domain.amazon.listings import (
    delete_listings_item,
    get_listings_item,
    patch_listings_item,
    put_listings_item,
    stock_patch,
)
from skuport.domain.amazon.sellers import get_marketplace_participations

US = "ATVPDKIKX0DER"


def _offer_attributes(asin: str, price: str = "19.99", quantity: int = 7) -> dict:
    return {
        "merchant_suggested_asin": [{"value": asin, "marketplace_id": US}],
        "condition_type": [{"value": "new_new", "marketplace_id": US}],
        "purchasable_offer": [
            {
                "marketplace_id": US,
                "currency": "USD",
                "our_price": [{"schedule": [{"value_with_tax": price}]}],
            }
        ],
        "fulfillment_availability": [{"fulfillment_channel_code": "DEFAULT", "quantity": quantity}],
    }


async def test_marketplace_participations_list_the_sellers_marketplaces(make_client):
    participations = await get_marketplace_participations(make_client("EU"))
    assert [p.country_code for p in participations] == ["GB", "DE", "FR", "IT", "ES"]
    assert {p.currency for p in participations} == {"GBP", "EUR"}


async def test_search_by_keywords_pages_without_repeats(make_client, sandbox):
    client = make_client()
    seen, token = [], None
    while True:
        page = await search_catalog_items(
            client, marketplace_id=US, keywords=["shirt"], page_size=4, page_token=token
        )
        seen += [item.asin for item in page.items]
        token = page.next_token
        if not token:
            break
    shirts = [p.asin for p in sandbox.state.products.values() if "shirt" in p.title.lower()]
    assert sorted(seen) == sorted(shirts) and len(seen) == len(set(seen))


async def test_search_by_isbn_finds_the_book_that_has_only_an_isbn(make_client, sandbox):
    book = next(p for p in sandbox.state.products.values() if p.product_type == "ABIS_BOOK")
    isbn = book.identifiers[0][1]
    page = await search_catalog_items(
        make_client(),
        marketplace_id=US,
        identifiers=[isbn],
        identifiers_type="ISBN",
        included_data=["summaries", "identifiers"],
    )
    assert [i.asin for i in page.items] == [book.asin]
    assert page.items[0].identifiers == {"ISBN": [isbn]}


async def test_get_catalog_item_reads_variations_dimensions_images_and_category(
    make_client, sandbox
):
    parent = next(p for p in sandbox.state.products.values() if len(p.variation_theme) == 2)
    client = make_client()
    item = await get_catalog_item(client, parent.asin, marketplace_id=US)
    assert item.classification == "VARIATION_PARENT"
    assert item.child_asins == parent.child_asins
    assert item.variation_attributes == ["size", "color"]
    child = await get_catalog_item(client, parent.child_asins[0], marketplace_id=US)
    assert child.parent_asins == [parent.asin]
    assert child.size and child.color
    assert child.item_dimensions["weight"].unit == "kilograms"
    assert isinstance(child.item_dimensions["weight"].value, Decimal)
    assert child.images[0].variant == "MAIN"
    assert child.category_path == ["Clothing"]
    assert "EAN" in child.identifiers


async def test_get_listings_item_reads_price_quantity_and_status(make_client, sandbox, na_seller):
    listing = next(
        lst
        for lst in sandbox.state.listings.values()
        if lst.seller_id == na_seller.seller_id
        and lst.offers[US].fulfillment == "DEFAULT"
        and lst.offers[US].price > 0
    )
    item = await get_listings_item(make_client(), listing.sku, marketplace_id=US)
    assert item.asin == listing.asin
    assert item.price.amount == listing.offers[US].price and item.price.currency == "USD"
    assert item.quantity == listing.offers[US].quantity
    assert "BUYABLE" in item.status


async def test_put_offer_is_accepted_then_live_after_the_listing_delay(make_client, sandbox):
    client = make_client()
    asin = next(
        p.asin
        for p in sandbox.state.products.values()
        if p.product_type == "HOME" and not p.restricted_brand
    )
    submission = await put_listings_item(
        client,
        "NEW-SKU-1",
        marketplace_id=US,
        product_type="HOME",
        attributes=_offer_attributes(asin),
    )
    assert submission.status == "ACCEPTED" and submission.accepted
    with pytest.raises(SpApiError) as error:
        await get_listings_item(client, "NEW-SKU-1", marketplace_id=US)
    assert error.value.status == 404
    sandbox.state.clock.advance(timedelta(minutes=3))
    item = await get_listings_item(client, "NEW-SKU-1", marketplace_id=US)
    assert item.asin == asin and item.price.amount == Decimal("19.99") and item.quantity == 7


async def test_validation_preview_reports_invalid_asin_and_value_without_saving(
    make_client, sandbox
):
    client = make_client()
    attributes = _offer_attributes("B0NOTREAL0", quantity=-1)
    submission = await put_listings_item(
        client,
        "PREVIEW-1",
        marketplace_id=US,
        product_type="HOME",
        attributes=attributes,
        preview=True,
    )
    assert submission.status == "INVALID"
    assert {i.code for i in submission.issues} == {"8105", "90244"}
    assert ("store-NA", "PREVIEW-1") not in sandbox.state.listings


async def test_restricted_brand_is_accepted_then_fails_with_brand_approval_issue(
    make_client, sandbox
):
    client = make_client()
    restricted = next(p for p in sandbox.state.products.values() if p.restricted_brand)
    preview = await put_listings_item(
        client,
        "BRAND-1",
        marketplace_id=US,
        product_type="HOME",
        attributes=_offer_attributes(restricted.asin),
        preview=True,
    )
    assert preview.status == "INVALID" and preview.issues[0].code == "5461"
    await put_listings_item(
        client,
        "BRAND-1",
        marketplace_id=US,
        product_type="HOME",
        attributes=_offer_attributes(restricted.asin),
    )
    sandbox.state.clock.advance(timedelta(minutes=3))
    item = await get_listings_item(client, "BRAND-1", marketplace_id=US)
    assert "BUYABLE" not in item.status
    assert item.issues[0].code == "5461" and item.issues[0].severity == "ERROR"


async def test_patch_updates_stock_and_delete_removes_the_offer(make_client, sandbox, na_seller):
    client = make_client()
    listing = next(
        lst
        for lst in sandbox.state.listings.values()
        if lst.seller_id == na_seller.seller_id
        and lst.offers[US].fulfillment == "DEFAULT"
        and lst.offers[US].price > 0
    )
    submission = await patch_listings_item(
        client,
        listing.sku,
        marketplace_id=US,
        product_type=listing.product_type,
        patches=[stock_patch(42)],
    )
    assert submission.accepted
    sandbox.state.clock.advance(timedelta(minutes=3))
    assert (await get_listings_item(client, listing.sku, marketplace_id=US)).quantity == 42
    bad = await patch_listings_item(
        client,
        listing.sku,
        marketplace_id=US,
        product_type=listing.product_type,
        patches=[stock_patch(-5)],
    )
    assert bad.status == "INVALID"
    await delete_listings_item(client, listing.sku, marketplace_id=US)
    sandbox.state.clock.advance(timedelta(minutes=3))
    with pytest.raises(SpApiError):
        await get_listings_item(client, listing.sku, marketplace_id=US)


async def test_skus_with_slashes_and_spaces_are_url_encoded(make_client, sandbox):
    client = make_client()
    asin = next(
        p.asin
        for p in sandbox.state.products.values()
        if p.product_type == "HOME" and not p.restricted_brand
    )
    await put_listings_item(
        client,
        "A/B C#1",
        marketplace_id=US,
        product_type="HOME",
        attributes=_offer_attributes(asin),
    )
    sandbox.state.clock.advance(timedelta(minutes=3))
    assert (await get_listings_item(client, "A/B C#1", marketplace_id=US)).sku == "A/B C#1"
