"""Categories and brands kept by hand, and products retired (IN-1).

Categories and brands are also created the first time a product names them (`names`); here
they are created, renamed and archived on their own, with the same unique-name rule. An
archived category or brand stays on the products that have it but no product can newly take
it. An archived product stays on its old sales and in the ledger, is left out of product lists
(and so out of pickers and the catalog mapping's search) and cannot go on a new sale.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.inventory.products.models import Brand, Category, Product
from skuport.domain.inventory.records import load, set_archived, unarchived
from skuport.domain.inventory.reference.service import checked_name

N = TypeVar("N", Category, Brand)


async def _create(session: AsyncSession, model: type[N], name: str) -> N:
    record = model(name=await checked_name(session, model, name))
    session.add(record)
    await session.flush()
    return record


async def _rename(session: AsyncSession, model: type[N], record_id: int, name: str) -> N:
    field = f"{model.__name__.lower()}_id"
    record = await load(session, model, record_id, field=field, lock=True)
    record.name = await checked_name(session, model, name, exclude_id=record.id)
    await session.flush()
    return record


async def _archive(session: AsyncSession, model: type[Any], record_id: int, archived: bool) -> Any:
    field = f"{model.__name__.lower()}_id"
    record = await load(session, model, record_id, field=field, lock=True)
    set_archived(session, record, archived)
    await session.flush()
    return record


async def create_category(session: AsyncSession, *, name: str) -> Category:
    """Create a category; its name is unique (case-insensitively)."""
    return await _create(session, Category, name)


async def update_category(session: AsyncSession, *, category_id: int, name: str) -> Category:
    """Rename a category; its products follow."""
    return await _rename(session, Category, category_id, name)


async def archive_category(
    session: AsyncSession, *, category_id: int, archived: bool = True
) -> Category:
    """Archive a category (its products keep it), or restore it."""
    category: Category = await _archive(session, Category, category_id, archived)
    return category


async def create_brand(session: AsyncSession, *, name: str) -> Brand:
    """Create a brand; its name is unique (case-insensitively)."""
    return await _create(session, Brand, name)


async def update_brand(session: AsyncSession, *, brand_id: int, name: str) -> Brand:
    """Rename a brand; its products follow."""
    return await _rename(session, Brand, brand_id, name)


async def archive_brand(session: AsyncSession, *, brand_id: int, archived: bool = True) -> Brand:
    """Archive a brand (its products keep it), or restore it."""
    brand: Brand = await _archive(session, Brand, brand_id, archived)
    return brand


async def archive_product(
    session: AsyncSession, *, product_id: int, archived: bool = True
) -> Product:
    """Archive a product (its sales and stock ledger stay), or restore it."""
    product: Product = await _archive(session, Product, product_id, archived)
    return product


async def list_categories(
    session: AsyncSession, *, include_archived: bool = False
) -> list[Category]:
    """The categories in use (every one with `include_archived`), by name."""
    statement = unarchived(
        select(Category).order_by(Category.name), Category, include_archived=include_archived
    )
    return list(await session.scalars(statement))


async def list_brands(session: AsyncSession, *, include_archived: bool = False) -> list[Brand]:
    """The brands in use (every one with `include_archived`), by name."""
    statement = unarchived(
        select(Brand).order_by(Brand.name), Brand, include_archived=include_archived
    )
    return list(await session.scalars(statement))
