"""Our own catalog (IN-1, IN-2): products, families, categories, brands, prices and kits."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import strawberry
from sqlalchemy import select

from skuport.domain.errors import DomainError
from skuport.domain.inventory.products import models as m
from skuport.domain.inventory.products.families import add_variant, create_family, get_family
from skuport.domain.inventory.products.retiring import list_brands, list_categories
from skuport.domain.inventory.products.service import (
    KitLine,
    create_product,
    get_product,
    select_products,
    set_kit_components,
    set_product_price,
    update_product,
)
from skuport.schema.context import Info
from skuport.schema.errors import DuplicateName, DuplicateSku, InvalidInput, NotFound
from skuport.schema.inventory.common import reading, refused, to_int, unit_of_work
from skuport.schema.inventory.product_types import (
    NamedRecord,
    Product,
    ProductFamily,
    ProductType,
    family_view,
    named_record,
    product_view,
    product_views,
)
from skuport.schema.pagination import Connection, paginate
from skuport.schema.permissions import OPERATORS, READERS, allow


@strawberry.input
class PriceInput:
    price_tier_id: strawberry.ID
    price: Decimal


@strawberry.input
class KitComponentInput:
    component_id: strawberry.ID
    quantity: Decimal


@strawberry.input(description="A new product; a kit needs components, drop-ship a supplier.")
class ProductInput:
    sku: str
    name: str
    type: ProductType = m.ProductType.STOCK  # type: ignore[valid-type]
    category: str | None = None
    brand: str | None = None
    barcode: str = ""
    weight_kg: Decimal | None = None
    length_cm: Decimal | None = None
    width_cm: Decimal | None = None
    height_cm: Decimal | None = None
    description: str = ""
    image_urls: list[str] = strawberry.field(default_factory=list)
    default_tax_rule_id: strawberry.ID | None = None
    revenue_account_id: strawberry.ID | None = None
    prices: list[PriceInput] = strawberry.field(default_factory=list)
    drop_ship: bool = False
    supplier_id: strawberry.ID | None = None
    components: list[KitComponentInput] = strawberry.field(default_factory=list)


@strawberry.input(description="Fields to change; omitted fields keep their value, null clears.")
class ProductChangeInput:
    sku: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    category: str | None = strawberry.UNSET
    brand: str | None = strawberry.UNSET
    barcode: str | None = strawberry.UNSET
    weight_kg: Decimal | None = strawberry.UNSET
    length_cm: Decimal | None = strawberry.UNSET
    width_cm: Decimal | None = strawberry.UNSET
    height_cm: Decimal | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    image_urls: list[str] | None = strawberry.UNSET
    default_tax_rule_id: strawberry.ID | None = strawberry.UNSET
    revenue_account_id: strawberry.ID | None = strawberry.UNSET
    drop_ship: bool | None = strawberry.UNSET
    supplier_id: strawberry.ID | None = strawberry.UNSET


@strawberry.input(description="A variant's details besides SKU and option values (no name).")
class VariantInput:
    sku: str
    option_values: list[str]
    barcode: str = ""
    weight_kg: Decimal | None = None
    description: str = ""
    image_urls: list[str] = strawberry.field(default_factory=list)
    default_tax_rule_id: strawberry.ID | None = None
    prices: list[PriceInput] = strawberry.field(default_factory=list)
    category: str | None = None
    brand: str | None = None


_ID_CHANGES = ("default_tax_rule_id", "revenue_account_id", "supplier_id")


def _changes(data: ProductChangeInput) -> dict[str, Any]:
    given = {
        name: getattr(data, name)
        for name in ProductChangeInput.__annotations__
        if getattr(data, name) is not strawberry.UNSET
    }
    for name in _ID_CHANGES:
        if name in given:
            given[name] = to_int(given[name])
    return given


def _prices(prices: list[PriceInput]) -> dict[int, Decimal]:
    return {to_int(p.price_tier_id) or -1: p.price for p in prices}


def _kit(components: list[KitComponentInput]) -> list[KitLine]:
    return [
        KitLine(component_id=to_int(c.component_id) or -1, quantity=c.quantity) for c in components
    ]


@strawberry.type
class ProductSaved:
    product: Product


@strawberry.type
class FamilySaved:
    family: ProductFamily


ProductResult = Annotated[
    ProductSaved | InvalidInput | NotFound | DuplicateSku | DuplicateName,
    strawberry.union("ProductResult"),
]
FamilyResult = Annotated[
    FamilySaved | InvalidInput | DuplicateName, strawberry.union("FamilyResult")
]


_include_archived = strawberry.argument(description="Also list archived records.")


@strawberry.type
class ProductsQuery:
    @strawberry.field(
        permission_classes=allow(*READERS),
        description="Products, newest first; search matches SKU, name or barcode.",
    )
    async def products(
        self,
        info: Info,
        search: str | None = None,
        type: ProductType | None = None,  # type: ignore[valid-type]
        category_id: strawberry.ID | None = None,
        brand_id: strawberry.ID | None = None,
        family_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
        include_archived: Annotated[bool, _include_archived] = False,
    ) -> Connection[Product]:
        statement = select_products(
            search=search,
            type=type,
            category_id=to_int(category_id),
            brand_id=to_int(brand_id),
            family_id=to_int(family_id),
            include_archived=include_archived,
        ).order_by(None)
        async with reading(info) as session:
            page = await paginate(
                session, statement, key=m.Product.id, first=first, after=after, convert=lambda r: r
            )
            views = await product_views(session, [edge.node for edge in page.edges])
        for edge, view in zip(page.edges, views, strict=True):
            edge.node = view
        return page  # type: ignore[return-value]

    @strawberry.field(permission_classes=allow(*READERS))
    async def product(self, info: Info, id: strawberry.ID) -> Product | None:
        async with reading(info) as session:
            try:
                row = await get_product(session, product_id=to_int(id) or -1)
            except DomainError:
                return None
            return await product_view(session, row)

    @strawberry.field(permission_classes=allow(*READERS), description="Families by name.")
    async def families(self, info: Info) -> list[ProductFamily]:
        async with reading(info) as session:
            rows = list(
                await session.scalars(select(m.ProductFamily).order_by(m.ProductFamily.name))
            )
            variants = await product_views(session, [v for row in rows for v in row.variants])
        by_id = {view.id: view for view in variants}
        return [
            ProductFamily(
                id=strawberry.ID(str(row.id)),
                name=row.name,
                sku=row.sku,
                option_names=row.option_names,
                variants=[by_id[strawberry.ID(str(v.id))] for v in row.variants],
            )
            for row in rows
        ]

    @strawberry.field(permission_classes=allow(*READERS))
    async def family(self, info: Info, id: strawberry.ID) -> ProductFamily | None:
        async with reading(info) as session:
            try:
                row = await get_family(session, family_id=to_int(id) or -1)
            except DomainError:
                return None
            return await family_view(session, row)

    @strawberry.field(permission_classes=allow(*READERS), description="Categories by name.")
    async def categories(
        self, info: Info, include_archived: Annotated[bool, _include_archived] = False
    ) -> list[NamedRecord]:
        async with reading(info) as session:
            rows = await list_categories(session, include_archived=include_archived)
            return [named_record(row) for row in rows]

    @strawberry.field(permission_classes=allow(*READERS), description="Brands by name.")
    async def brands(
        self, info: Info, include_archived: Annotated[bool, _include_archived] = False
    ) -> list[NamedRecord]:
        async with reading(info) as session:
            rows = await list_brands(session, include_archived=include_archived)
            return [named_record(row) for row in rows]


@strawberry.type
class ProductsMutation:
    @strawberry.mutation(permission_classes=allow(*OPERATORS))
    async def create_product(self, info: Info, input: ProductInput) -> ProductResult:  # type: ignore[valid-type]
        try:
            async with unit_of_work(info) as session:
                product = await create_product(
                    session,
                    sku=input.sku,
                    name=input.name,
                    type=input.type,
                    category=input.category,
                    brand=input.brand,
                    barcode=input.barcode,
                    weight_kg=input.weight_kg,
                    length_cm=input.length_cm,
                    width_cm=input.width_cm,
                    height_cm=input.height_cm,
                    description=input.description,
                    image_urls=input.image_urls,
                    default_tax_rule_id=to_int(input.default_tax_rule_id),
                    revenue_account_id=to_int(input.revenue_account_id),
                    prices=_prices(input.prices),
                    drop_ship=input.drop_ship,
                    supplier_id=to_int(input.supplier_id),
                    components=_kit(input.components),
                )
                view = await product_view(session, product)
        except DomainError as exc:
            return refused(exc)
        return ProductSaved(product=view)

    @strawberry.mutation(permission_classes=allow(*OPERATORS))
    async def update_product(
        self, info: Info, id: strawberry.ID, input: ProductChangeInput
    ) -> ProductResult:  # type: ignore[valid-type]
        try:
            async with unit_of_work(info) as session:
                product = await update_product(
                    session, product_id=to_int(id) or -1, **_changes(input)
                )
                view = await product_view(session, product)
        except DomainError as exc:
            return refused(exc, product_id="id")
        return ProductSaved(product=view)

    @strawberry.mutation(permission_classes=allow(*OPERATORS))
    async def set_product_price(
        self, info: Info, product_id: strawberry.ID, price_tier_id: strawberry.ID, price: Decimal
    ) -> ProductResult:  # type: ignore[valid-type]
        try:
            async with unit_of_work(info) as session:
                await set_product_price(
                    session,
                    product_id=to_int(product_id) or -1,
                    price_tier_id=to_int(price_tier_id) or -1,
                    price=price,
                )
                product = await get_product(session, product_id=to_int(product_id) or -1)
                view = await product_view(session, product)
        except DomainError as exc:
            return refused(exc)
        return ProductSaved(product=view)

    @strawberry.mutation(permission_classes=allow(*OPERATORS), description="Replace a kit's parts.")
    async def set_kit_components(
        self, info: Info, kit_id: strawberry.ID, components: list[KitComponentInput]
    ) -> ProductResult:  # type: ignore[valid-type]
        try:
            async with unit_of_work(info) as session:
                kit = await set_kit_components(
                    session, kit_id=to_int(kit_id) or -1, components=_kit(components)
                )
                view = await product_view(session, kit)
        except DomainError as exc:
            return refused(exc)
        return ProductSaved(product=view)

    @strawberry.mutation(
        permission_classes=allow(*OPERATORS), description="A family with one to three options."
    )
    async def create_family(
        self, info: Info, name: str, option_names: list[str], sku: str = ""
    ) -> FamilyResult:  # type: ignore[valid-type]
        try:
            async with unit_of_work(info) as session:
                family = await create_family(session, name=name, option_names=option_names, sku=sku)
                view = await family_view(session, family)
        except DomainError as exc:
            return refused(exc)
        return FamilySaved(family=view)

    @strawberry.mutation(
        permission_classes=allow(*OPERATORS),
        description="A variant named `Family (Value1, Value2)`: one value per option.",
    )
    async def add_variant(
        self, info: Info, family_id: strawberry.ID, input: VariantInput
    ) -> ProductResult:  # type: ignore[valid-type]
        try:
            async with unit_of_work(info) as session:
                product = await add_variant(
                    session,
                    family_id=to_int(family_id) or -1,
                    sku=input.sku,
                    option_values=input.option_values,
                    barcode=input.barcode,
                    weight_kg=input.weight_kg,
                    description=input.description,
                    image_urls=input.image_urls,
                    default_tax_rule_id=to_int(input.default_tax_rule_id),
                    prices=_prices(input.prices),
                    category=input.category,
                    brand=input.brand,
                )
                view = await product_view(session, product)
        except DomainError as exc:
            return refused(exc)
        return ProductSaved(product=view)
