"""The catalog widget's rows: families, filters, replaced listings, aliases (CA-6, CA-8, ST-8)."""

from __future__ import annotations

from tests.widgets.catalog_widgets_support import catalog_of, position, us


def test_ca6_families_are_one_row_with_a_variant_count_unless_shown_separately(
    operations, store_id
):
    # given
    widget = catalog_of(operations, store_id)
    widget.marketplace_filter.value = us(widget)
    grouped = list(widget.rows)
    families = [r for r in grouped if r["isFamily"]]
    assert families
    first = position(widget, isFamily=True)
    variants = len(widget.rows[first]["variants"])
    assert widget.table.df.iloc[first]["Kind"] == f"family ({variants} variants)"
    # when
    widget.variations_separately.value = True
    # then
    assert not any(r["isFamily"] for r in widget.rows)
    assert len(widget.rows) == len(grouped) - len(families) + sum(
        len(f["variants"]) for f in families
    )
    assert set(widget.table.df["Kind"]) == {"product", "variant"}


def test_ca6_filters_change_the_rows(operations, store_id):
    # given: show only active is on and variations separately off by default
    widget = catalog_of(operations, store_id)
    assert widget.only_active.value is True and widget.variations_separately.value is False
    everything = len(widget.rows)
    # marketplace
    widget.marketplace_filter.value = us(widget)
    assert 0 < len(widget.rows) < everything
    assert set(widget.table.df["Marketplace"]) == {"US · Amazon.com"}
    # search: title, seller SKU or ASIN
    widget.search_input.value = "quiet warehouse"
    assert len(widget.rows) == 2 and all(r["isbn"] for r in widget.rows)
    widget.search_input.value = ""
    # linked / unlinked: nothing is linked after a download with default settings
    widget.linked_filter.value = "LINKED"
    assert widget.rows == [] and "0 rows" in widget.grid_status.value
    widget.linked_filter.value = "UNLINKED"
    assert widget.rows
    # status
    widget.linked_filter.value = None
    widget.status_filter.value = "CANCELED"
    assert widget.rows == []  # only active hides canceled rows


def test_ca6_ca8_a_replaced_listing_shows_as_canceled_only_when_not_only_active(
    operations, store_id, live_server, seller
):
    """CA-8 (A, B, C → A, B, D): C is canceled and hidden until "show only active" is off."""
    widget = catalog_of(operations, store_id)
    listings = live_server.sandbox.state.listings
    kept = list(listings.items())
    old_sku = "NA-HOME-0004"
    replaced = listings.pop((seller.seller_id, old_sku))
    try:
        # when the listing is replaced on Amazon and the catalog loaded again
        replaced.sku = f"{old_sku}-D"
        listings[(seller.seller_id, replaced.sku)] = replaced
        assert widget.start_download()
        assert widget.wait_for_download(max_polls=5000)["cancelled"] >= 1
    finally:
        replaced.sku = old_sku
        listings.clear()
        listings.update(kept)
    # then
    skus = {r["sellerSku"]: r["status"] for r in widget.rows}
    assert old_sku not in skus and skus[f"{old_sku}-D"] == "LISTED"
    widget.only_active.value = False
    widget.status_filter.value = "CANCELED"
    assert {r["sellerSku"] for r in widget.rows} == {old_sku}
    assert set(widget.table.df["Status"]) == {"canceled"}


async def test_st8_the_catalog_shows_the_listings_alias_name_instead_of_our_products_name(
    operations, store_id, sessions
):
    from sqlalchemy import select

    from skuport.domain.inventory.products.models import Product

    # given: a product made from a listing, then renamed on our side
    widget = catalog_of(operations, store_id)
    widget.search_input.value = "NA-HOME-0002"
    widget.select([0])
    widget.create_products()
    async with sessions() as session, session.begin():
        product = await session.scalar(select(Product).where(Product.sku == "NA-HOME-0002"))
        product.name = "Our house lamp"
    # when
    widget.refresh()
    # then: the linked listing's own title is its alias
    row = widget.rows[0]
    assert row["product"]["name"] == "Our house lamp"
    assert row["aliasName"] == row["title"]
    assert widget.table.df.iloc[0]["Linked product"] == f"NA-HOME-0002 — {row['title']}"
