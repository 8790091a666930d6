"""Categories and brands, named on a product and created the first time a name is used (IN-1)."""

from __future__ import annotations

from collections.abc import Sequence, Set
from typing import Any, TypeVar

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.inventory.products.models import Brand, Category
from skuport.domain.inventory.records import load, refuse_archived, remember_id, remembered_id
from skuport.domain.inventory.values import required_text

T = TypeVar("T")


async def named_ids(
    session: AsyncSession, model: type[Any], names: Sequence[str], *, keep: Set[int] = frozenset()
) -> dict[str, int]:
    """Ids of the categories or brands with these names (lower case keys), missing ones created.

    An archived one is refused (it is offered nowhere new) unless its id is in `keep`: a
    product keeping the category it already has."""
    wanted: dict[str, str] = {}
    for name in names:
        wanted.setdefault(name.lower(), name)
    if not wanted:
        return {}
    rows = await session.scalars(
        select(model).where(
            or_(func.lower(model.name).in_(wanted), model.name.in_(wanted.values()))
        )
    )
    found: dict[str, int] = {}
    for row in rows:
        if row.id not in keep:
            refuse_archived(row, field=_label_of(model))
        found[row.name.lower()] = row.id
    missing = [model(name=name) for key, name in wanted.items() if key not in found]
    if missing:
        session.add_all(missing)
        await session.flush()
        found.update((row.name.lower(), row.id) for row in missing)
    return found


async def resolve_names(
    session: AsyncSession, values_list: Sequence[dict[str, Any]], *, product: Any = None
) -> list[dict[str, Any]]:
    """Replace category and brand names by ids, creating what is missing (one query per kind);
    archived ones are refused unless `product` (being changed) already has them."""
    resolved = [dict(values) for values in values_list]
    for key, model in (("category", Category), ("brand", Brand)):
        names = [values[key] for values in resolved if values.get(key)]
        held = getattr(product, f"{key}_id", None)
        keep = frozenset() if held is None else frozenset({held})
        ids = await named_ids(session, model, names, keep=keep) if names else {}
        for values in resolved:
            if key in values:
                name = values.pop(key)
                values[f"{key}_id"] = ids[name.lower()] if name else None
    return resolved


async def _get_or_create_named(session: AsyncSession, model: type[T], name: str) -> T:
    # A catalog download names the same few categories and brands thousands of times.
    known = remembered_id(session, model, name)
    if known is not None:
        found = await session.get(model, known)
        if found is not None:
            return found
    record_id = (await named_ids(session, model, [name]))[name.lower()]
    remember_id(session, model, name, record_id)
    return await load(session, model, record_id, field=_label_of(model))


def _label_of(model: type[Any]) -> str:
    return "category" if model is Category else "brand"


async def get_or_create_category(session: AsyncSession, *, name: str) -> Category:
    """The category with this name, created when missing."""
    return await _get_or_create_named(session, Category, required_text(name, field="category"))


async def get_or_create_brand(session: AsyncSession, *, name: str) -> Brand:
    """The brand with this name, created when missing."""
    return await _get_or_create_named(session, Brand, required_text(name, field="brand"))
