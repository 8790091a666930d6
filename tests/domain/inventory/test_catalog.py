"""IN-1 products and IN-2 product families."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import DuplicateName, DuplicateSku, InvalidValue, NotFound
from skuport.domain.inventory.models import Brand, Category, ProductType
from skuport.domain.inventory.products.families import add_variant, create_family, get_family
from skuport.domain.inventory.products.service import (
    KitLine,
    create_product,
    find_product_by_sku,
    list_products,
    set_kit_components,
    set_product_price,
    update_product,
)
from skuport.domain.inventory.reference.service import create_supplier
from tests.domain.inventory.conftest import Shop, row_counts, stock_product


async def test_in1_a_product_keeps_every_catalog_field(session: AsyncSession, shop: Shop):
    supplier = await create_supplier(session, name="Acme Wholesale")
    product = await create_product(
        session,
        sku="MUG-1",
        name="Blue mug",
        category="Kitchen",
        brand="Acme",
        barcode="0123456789012",
        weight_kg=Decimal("0.35"),
        length_cm=Decimal("12"),
        width_cm=Decimal("9.5"),
        height_cm=Decimal("10"),
        description="A blue mug.",
        image_urls=["https://img.example/mug.jpg"],
        default_tax_rule_id=shop.vat.id,
        prices={shop.usd.id: Decimal("12.99"), shop.eur.id: Decimal("11.49")},
        drop_ship=True,
        supplier_id=supplier.id,
    )
    await session.commit()

    found = await find_product_by_sku(session, sku="mug-1")
    assert found is not None and found.id == product.id
    assert found.type == ProductType.STOCK
    assert found.weight_kg == Decimal("0.35") and found.width_cm == Decimal("9.5")
    assert found.image_urls == ["https://img.example/mug.jpg"]
    assert found.price_in(shop.usd.id) == Decimal("12.99")
    assert found.price_in(shop.eur.id) == Decimal("11.49")
    assert found.drop_ship and found.supplier_id == supplier.id
    category = await session.get(Category, found.category_id)
    brand = await session.get(Brand, found.brand_id)
    assert (category.name, brand.name) == ("Kitchen", "Acme")


async def test_in1_categories_and_brands_are_created_on_demand_once(
    session: AsyncSession, shop: Shop
):
    first = await create_product(session, sku="A", name="A", category="Toys", brand="Lego")
    second = await create_product(session, sku="B", name="B", category="toys", brand="LEGO")
    assert first.category_id == second.category_id
    assert first.brand_id == second.brand_id
    assert len((await session.scalars(select(Category))).all()) == 1


async def test_in1_duplicate_sku_or_name_is_refused_naming_the_field(
    session: AsyncSession, shop: Shop
):
    await stock_product(session, shop, "SKU-1")
    await session.commit()
    before = await row_counts(session)

    with pytest.raises(DuplicateSku) as sku_error:
        await create_product(session, sku="sku-1", name="Another", category="New category")
    with pytest.raises(DuplicateName) as name_error:
        await create_product(session, sku="SKU-2", name="Product SKU-1", brand="New brand")
    await session.commit()

    assert sku_error.value.field == "sku"
    assert name_error.value.field == "name"
    assert await row_counts(session) == before


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"weight_kg": Decimal("-1")}, "weight_kg", InvalidValue),
        ({"weight_kg": 1.5}, "weight_kg", InvalidValue),
        ({"default_tax_rule_id": 999_999}, "default_tax_rule_id", NotFound),
        ({"drop_ship": True}, "supplier_id", InvalidValue),
        ({"image_urls": ["ftp://x"]}, "image_urls", InvalidValue),
        ({"prices": {999_999: Decimal(1)}}, "prices[999999]", NotFound),
        ({"type": ProductType.KIT}, "components", InvalidValue),
        ({"sku": "  "}, "sku", InvalidValue),
    ],
)
async def test_in1_bad_product_input_is_a_typed_error_and_writes_nothing(
    session: AsyncSession, shop: Shop, changes, field, error
):
    before = await row_counts(session)
    arguments = {"sku": "NEW", "name": "New", "category": "Fresh category", **changes}

    with pytest.raises(error) as refused:
        await create_product(session, **arguments)
    await session.commit()

    assert refused.value.field == field
    assert await row_counts(session) == before


async def test_in1_update_changes_only_given_fields_and_keeps_names_unique(
    session: AsyncSession, shop: Shop
):
    product = await stock_product(session, shop, "P1")
    await stock_product(session, shop, "P2")

    await update_product(session, product_id=product.id, description="New text", brand="Zeta")
    with pytest.raises(DuplicateName):
        await update_product(session, product_id=product.id, name="Product P2")

    assert product.description == "New text" and product.name == "Product P1"
    assert product.brand_id is not None


async def test_in1_prices_are_kept_per_price_tier(session: AsyncSession, shop: Shop):
    product = await stock_product(session, shop, "P1", price="5.00")
    await set_product_price(
        session, product_id=product.id, price_tier_id=shop.usd.id, price=Decimal("6.50")
    )
    await set_product_price(
        session, product_id=product.id, price_tier_id=shop.eur.id, price=Decimal("5.90")
    )
    assert product.price_in(shop.usd.id) == Decimal("6.50")
    assert product.price_in(shop.eur.id) == Decimal("5.90")


async def test_in1_a_kit_lists_stock_components_with_quantities(session: AsyncSession, shop: Shop):
    cup = await stock_product(session, shop, "CUP")
    saucer = await stock_product(session, shop, "SAUCER")
    kit = await create_product(
        session,
        sku="SET",
        name="Tea set",
        type=ProductType.KIT,
        components=[KitLine(cup.id, Decimal(2)), KitLine(saucer.id, Decimal(2))],
    )
    assert [(c.component_id, c.quantity) for c in kit.components] == [
        (cup.id, Decimal(2)),
        (saucer.id, Decimal(2)),
    ]
    with pytest.raises(InvalidValue) as nested:
        await set_kit_components(session, kit_id=kit.id, components=[KitLine(kit.id, Decimal(1))])
    assert nested.value.field == "components[0].component_id"
    await set_kit_components(session, kit_id=kit.id, components=[KitLine(cup.id, Decimal(4))])
    assert [(c.component_id, c.quantity) for c in kit.components] == [(cup.id, Decimal(4))]


async def test_in1_products_are_found_by_search_and_filters(session: AsyncSession, shop: Shop):
    await create_product(session, sku="RED-1", name="Red shirt", category="Shirts")
    await create_product(session, sku="BLU-1", name="Blue shirt", category="Shirts")
    await create_product(session, sku="SVC", name="Gift wrapping", type=ProductType.SERVICE)

    found = await list_products(session, search="shirt")
    services = await list_products(session, type=ProductType.SERVICE)

    assert [p.sku for p in found] == ["BLU-1", "RED-1"]
    assert [p.sku for p in services] == ["SVC"]


async def test_in2_variants_are_named_after_family_and_option_values(
    session: AsyncSession, shop: Shop
):
    family = await create_family(session, name="T-shirt", option_names=["Size", "Colour"])
    small_red = await add_variant(
        session, family_id=family.id, sku="TS-S-R", option_values=["S", "Red"], category="Shirts"
    )
    await add_variant(session, family_id=family.id, sku="TS-M-R", option_values=["M", "Red"])
    await session.commit()
    session.expunge_all()

    loaded = await get_family(session, family_id=family.id)
    assert small_red.name == "T-shirt (S, Red)"
    assert loaded.option_names == ["Size", "Colour"]
    assert [v.name for v in loaded.variants] == ["T-shirt (S, Red)", "T-shirt (M, Red)"]
    assert loaded.variants[0].option_values == ["S", "Red"]


async def test_in2_a_family_has_at_most_three_options(session: AsyncSession, shop: Shop):
    await create_family(session, name="Three", option_names=["Size", "Colour", "Material"])
    before = await row_counts(session)

    with pytest.raises(InvalidValue) as refused:
        await create_family(session, name="Four", option_names=["A", "B", "C", "D"])

    assert refused.value.field == "option_names"
    assert await row_counts(session) == before


async def test_in2_a_variant_needs_one_value_per_option_and_a_unique_combination(
    session: AsyncSession, shop: Shop
):
    family = await create_family(session, name="Shoe", option_names=["Size"])
    await add_variant(session, family_id=family.id, sku="SH-40", option_values=["40"])

    with pytest.raises(InvalidValue) as wrong_count:
        await add_variant(session, family_id=family.id, sku="SH-41", option_values=["41", "Red"])
    with pytest.raises(DuplicateName):
        await add_variant(session, family_id=family.id, sku="SH-40b", option_values=["40"])
    assert wrong_count.value.field == "option_values"
