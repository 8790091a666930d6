"""CA-4: what a listing's Amazon data becomes in our product's terms."""

from __future__ import annotations

from decimal import Decimal

from skuport.domain.amazon.catalog_items import CatalogItem, Dimension, Image
from skuport.domain.listings.facts import facts_of, product_sku, theme_names, variation_of


def test_the_sku_is_the_seller_sku_else_a_books_isbn_else_the_asin():
    """CA-4: SellerSKU if defined, otherwise ISBN for books, otherwise the ASIN."""
    assert product_sku("MUG-1", "B0TEST0001", "") == "MUG-1"
    assert product_sku("", "0345391802", "9780345391803") == "9780345391803"
    assert product_sku("  ", "B0TEST0001", "") == "B0TEST0001"


def test_weights_become_kilograms_and_sizes_centimetres():
    item = CatalogItem(
        asin="B0TEST0001",
        name="Kettle",
        item_dimensions={
            "weight": Dimension(Decimal("2.5"), "pounds"),
            "length": Dimension(Decimal("10"), "inches"),
            "width": Dimension(Decimal("150"), "millimeters"),
            "height": Dimension(Decimal("0.3"), "meters"),
        },
    )
    facts = facts_of(item, seller_sku="K-1", asin="B0TEST0001", title="Kettle")
    assert facts.weight_kg == Decimal("1.1340")
    assert (facts.length_cm, facts.width_cm, facts.height_cm) == (
        Decimal("25.4000"),
        Decimal("15.0000"),
        Decimal("30.0000"),
    )


def test_barcode_is_upc_else_ean_and_the_top_category_and_small_image_are_taken():
    item = CatalogItem(
        asin="B0TEST0002",
        name="Lamp",
        brand="Contoso",
        identifiers={"EAN": ["4006381333931"], "UPC": ["012345678905"]},
        category_path=["Home & Kitchen", "Lighting", "Desk Lamps"],
        images=[
            Image("MAIN", "https://img/large.jpg", 1000, 1000),
            Image("MAIN", "https://img/small.jpg", 75, 75),
            Image("PT01", "https://img/side.jpg", 50, 50),
        ],
    )
    facts = facts_of(item, seller_sku="L-1", asin="B0TEST0002", title="Lamp")
    assert facts.barcode == "012345678905"
    assert facts.category == "Home & Kitchen"
    assert facts.image_urls == ("https://img/small.jpg",)
    assert facts.brand == "Contoso"


def test_a_listing_without_catalog_details_still_maps_from_the_report():
    facts = facts_of(None, seller_sku="", asin="B0TEST0003", title="  Plain mug ")
    assert (facts.sku, facts.name, facts.barcode) == ("B0TEST0003", "Plain mug", "")


def test_only_the_first_three_variation_themes_become_options():
    """CA-2: DEAR supports three options; Amazon's further themes are dropped."""
    parent = CatalogItem(
        asin="B0PARENT01",
        name="Shirt",
        variation_attributes=["size", "color", "style", "pattern_name"],
    )
    child = CatalogItem(
        asin="B0CHILD001",
        parent_asins=["B0PARENT01"],
        size="M",
        color="Blue",
        attributes={"style": [{"value": "Sport"}], "pattern_name": [{"value": "Plain"}]},
    )
    assert theme_names(parent) == ("Size", "Color", "Style")
    variation = variation_of(child, parent)
    assert variation.values == ("M", "Blue", "Sport")
    assert variation.parent_asin == "B0PARENT01"
