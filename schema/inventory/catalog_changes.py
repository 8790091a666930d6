"""Keeping categories and brands by hand, and retiring products (IN-1); operations keep the
catalog. Archived ones stay on what already has them but are offered for nothing new."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from skuport.domain.errors import DomainError
from skuport.domain.inventory.products import retiring
from skuport.schema.context import Info
from skuport.schema.errors import DuplicateName, InvalidInput, NotFound
from skuport.schema.inventory.common import refused, saved_or_refused, to_int, unit_of_work
from skuport.schema.inventory.product_types import NamedRecord, named_record, product_view
from skuport.schema.inventory.products import ProductResult, ProductSaved
from skuport.schema.permissions import OPERATORS, allow

ARCHIVE = "archived: false restores it."


@strawberry.type
class CategorySaved:
    category: NamedRecord


@strawberry.type
class BrandSaved:
    brand: NamedRecord


CategoryResult = Annotated[
    CategorySaved | InvalidInput | DuplicateName | NotFound, strawberry.union("CategoryResult")
]
BrandResult = Annotated[
    BrandSaved | InvalidInput | DuplicateName | NotFound, strawberry.union("BrandResult")
]


def _category(row: Any) -> CategorySaved:
    return CategorySaved(category=named_record(row))


def _brand(row: Any) -> BrandSaved:
    return BrandSaved(brand=named_record(row))


@strawberry.type
class CatalogChangesMutation:
    @strawberry.mutation(permission_classes=allow(*OPERATORS), description="Add a category.")
    async def create_category(self, info: Info, name: str) -> CategoryResult:  # type: ignore[valid-type]
        return await saved_or_refused(
            info, retiring.create_category, _category, "category_id", name=name
        )

    @strawberry.mutation(
        permission_classes=allow(*OPERATORS),
        description="Rename a category; its products follow.",
    )
    async def update_category(self, info: Info, id: strawberry.ID, name: str) -> CategoryResult:  # type: ignore[valid-type]
        return await saved_or_refused(
            info,
            retiring.update_category,
            _category,
            "category_id",
            category_id=to_int(id),
            name=name,
        )

    @strawberry.mutation(
        permission_classes=allow(*OPERATORS),
        description="Archive a category: its products keep it, no other product can take it. "
        + ARCHIVE,
    )
    async def archive_category(
        self, info: Info, id: strawberry.ID, archived: bool = True
    ) -> CategoryResult:  # type: ignore[valid-type]
        return await saved_or_refused(
            info,
            retiring.archive_category,
            _category,
            "category_id",
            category_id=to_int(id),
            archived=archived,
        )

    @strawberry.mutation(permission_classes=allow(*OPERATORS), description="Add a brand.")
    async def create_brand(self, info: Info, name: str) -> BrandResult:  # type: ignore[valid-type]
        return await saved_or_refused(info, retiring.create_brand, _brand, "brand_id", name=name)

    @strawberry.mutation(
        permission_classes=allow(*OPERATORS), description="Rename a brand; its products follow."
    )
    async def update_brand(self, info: Info, id: strawberry.ID, name: str) -> BrandResult:  # type: ignore[valid-type]
        return await saved_or_refused(
            info, retiring.update_brand, _brand, "brand_id", brand_id=to_int(id), name=name
        )

    @strawberry.mutation(
        permission_classes=allow(*OPERATORS),
        description="Archive a brand: its products keep it, no other product can take it. "
        + ARCHIVE,
    )
    async def archive_brand(
        self, info: Info, id: strawberry.ID, archived: bool = True
    ) -> BrandResult:  # type: ignore[valid-type]
        return await saved_or_refused(
            info,
            retiring.archive_brand,
            _brand,
            "brand_id",
            brand_id=to_int(id),
            archived=archived,
        )

    @strawberry.mutation(
        permission_classes=allow(*OPERATORS),
        description="Archive a product: it stays on past sales and in the stock ledger, but is "
        "no longer listed or sold. " + ARCHIVE,
    )
    async def archive_product(
        self, info: Info, id: strawberry.ID, archived: bool = True
    ) -> ProductResult:  # type: ignore[valid-type]
        try:
            async with unit_of_work(info) as session:
                product = await retiring.archive_product(
                    session, product_id=to_int(id), archived=archived
                )
                view = await product_view(session, product)
        except DomainError as exc:
            return refused(exc, product_id="id")
        return ProductSaved(product=view)
