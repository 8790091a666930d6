"""How products and families look over GraphQL (IN-1, IN-2), built in batches."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import strawberry
from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.inventory.products import models as m
from skuport.schema.inventory.common import money, quantity, to_id

ProductType = strawberry.enum(m.ProductType, name="ProductType")


@strawberry.type(description="The product's price in one price tier.")
class ProductPrice:
    price_tier_id: strawberry.ID
    price: Decimal


@strawberry.type(description="One stock product inside a kit, with how many a kit holds.")
class KitComponent:
    component_id: strawberry.ID
    quantity: Decimal


# IN-1
@strawberry.type(description="A product we sell: stock item, service or kit.")
class Product:
    id: strawberry.ID
    sku: str
    name: str
    type: ProductType  # type: ignore[valid-type]
    category: str | None
    brand: str | None
    barcode: str
    weight_kg: Decimal | None
    length_cm: Decimal | None
    width_cm: Decimal | None
    height_cm: Decimal | None
    description: str
    image_urls: list[str]
    default_tax_rule_id: strawberry.ID | None
    revenue_account_id: strawberry.ID | None
    drop_ship: bool
    supplier_id: strawberry.ID | None
    family_id: strawberry.ID | None
    option_values: list[str]
    prices: list[ProductPrice]
    components: list[KitComponent]
    archived: bool = strawberry.field(
        description="Retired: kept on past sales, but not listed and not sold anew."
    )


# IN-2
@strawberry.type(description="Variants sharing up to three options.")
class ProductFamily:
    id: strawberry.ID
    name: str
    sku: str
    option_names: list[str]
    variants: list[Product]


@strawberry.type(description="A flat product category or a brand.")
class NamedRecord:
    id: strawberry.ID
    name: str
    archived: bool = strawberry.field(
        default=False, description="Retired: products keep it, but none can newly take it."
    )


def named_record(row: m.Category | m.Brand) -> NamedRecord:
    """A category or brand as the API shows it."""
    return NamedRecord(id=strawberry.ID(str(row.id)), name=row.name, archived=row.archived)


async def product_views(session: AsyncSession, rows: Sequence[m.Product]) -> list[Product]:
    """Views of products with their category and brand names: two queries for any number."""
    category_ids = {r.category_id for r in rows if r.category_id is not None}
    brand_ids = {r.brand_id for r in rows if r.brand_id is not None}
    categories: dict[int, str] = {}
    brands: dict[int, str] = {}
    if category_ids:
        found = await session.execute(
            select(m.Category.id, m.Category.name).where(m.Category.id.in_(category_ids))
        )
        categories = {i: n for i, n in found}
    if brand_ids:
        found = await session.execute(
            select(m.Brand.id, m.Brand.name).where(m.Brand.id.in_(brand_ids))
        )
        brands = {i: n for i, n in found}
    return [
        Product(
            id=strawberry.ID(str(row.id)),
            sku=row.sku,
            name=row.name,
            type=row.type,
            category=categories.get(row.category_id) if row.category_id else None,
            brand=brands.get(row.brand_id) if row.brand_id else None,
            barcode=row.barcode,
            weight_kg=row.weight_kg,
            length_cm=row.length_cm,
            width_cm=row.width_cm,
            height_cm=row.height_cm,
            description=row.description,
            image_urls=list(row.image_urls or []),
            default_tax_rule_id=to_id(row.default_tax_rule_id),
            revenue_account_id=to_id(row.revenue_account_id),
            drop_ship=row.drop_ship,
            supplier_id=to_id(row.supplier_id),
            family_id=to_id(row.family_id),
            option_values=row.option_values,
            prices=[
                ProductPrice(
                    price_tier_id=strawberry.ID(str(p.price_tier_id)), price=money(p.price)
                )
                for p in row.prices
            ],
            components=[
                KitComponent(
                    component_id=strawberry.ID(str(c.component_id)), quantity=quantity(c.quantity)
                )
                for c in row.components
            ],
            archived=row.archived,
        )
        for row in rows
    ]


async def product_view(session: AsyncSession, row: m.Product) -> Product:
    return (await product_views(session, [row]))[0]


async def family_view(session: AsyncSession, row: m.ProductFamily) -> ProductFamily:
    if "variants" in inspect(row).unloaded:  # a family just created
        await session.refresh(row, ["variants"])
    return ProductFamily(
        id=strawberry.ID(str(row.id)),
        name=row.name,
        sku=row.sku,
        option_names=row.option_names,
        variants=await product_views(session, row.variants),
    )
