"""Product families (IN-2): up to three options; variants named `Family (Value1, Value2)`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import DomainError, DuplicateName, InvalidValue
from skuport.domain.inventory.products.models import Product, ProductFamily
from skuport.domain.inventory.products.service import NewProduct, create_products
from skuport.domain.inventory.records import load
from skuport.domain.inventory.values import optional_text, required_text

MAX_OPTIONS = 3


def variant_name(family_name: str, option_values: Sequence[str]) -> str:
    """The name of a variant: the family's name followed by its option values."""
    return f"{family_name} ({', '.join(option_values)})"


@dataclass(frozen=True)
class NewFamily:
    """One family for `create_families`: what `create_family` takes."""

    name: str
    option_names: Sequence[str]
    sku: str = ""


def _checked_family(draft: NewFamily, taken: set[str]) -> ProductFamily:
    name = required_text(draft.name, field="name")
    names = [
        required_text(n, field=f"option_names[{i}]", max_length=100)
        for i, n in enumerate(draft.option_names)
    ]
    if not names:
        raise InvalidValue("option_names", "a family needs at least one option name")
    if len(names) > MAX_OPTIONS:
        raise InvalidValue(
            "option_names", f"a family has at most {MAX_OPTIONS} options, got {len(names)}"
        )
    if len({n.lower() for n in names}) != len(names):
        raise InvalidValue("option_names", "option names must differ")
    if name.lower() in taken:
        raise DuplicateName("name", f"a product family with name {name!r} already exists")
    taken.add(name.lower())
    padded = [*names, "", "", ""]
    return ProductFamily(
        name=name,
        sku=optional_text(draft.sku, field="sku", max_length=100),
        option1_name=padded[0],
        option2_name=padded[1],
        option3_name=padded[2],
    )


async def create_families(
    session: AsyncSession, drafts: Sequence[NewFamily]
) -> list[ProductFamily | DomainError]:
    """Create families with `create_family`'s checks in a few statements; a refusal per draft."""
    names = {(d.name or "").strip() for d in drafts} - {""}
    taken: set[str] = set()
    if names:
        # Exact matches too: SQLite's lower() leaves non-ASCII letters as they are.
        found = await session.scalars(
            select(ProductFamily.name).where(
                or_(
                    func.lower(ProductFamily.name).in_({n.lower() for n in names}),
                    ProductFamily.name.in_(names),
                )
            )
        )
        taken = {name.lower() for name in found}
    results: list[ProductFamily | DomainError] = []
    for draft in drafts:
        try:
            results.append(_checked_family(draft, taken))
        except DomainError as exc:
            results.append(exc)
    session.add_all(f for f in results if isinstance(f, ProductFamily))
    await session.flush()
    return results


async def create_family(
    session: AsyncSession, *, name: str, option_names: Sequence[str], sku: str = ""
) -> ProductFamily:
    """Create a product family with one to three option names (e.g. Size, Colour)."""
    (result,) = await create_families(session, [NewFamily(name, option_names, sku)])
    if isinstance(result, DomainError):
        raise result
    return result


def new_variant(
    family: ProductFamily, *, sku: str, option_values: Sequence[str], **details: Any
) -> NewProduct:
    """A variant of the family for `create_products`: one value per option, named after them."""
    options = family.option_names
    values = [
        required_text(v, field=f"option_values[{i}]", max_length=100)
        for i, v in enumerate(option_values)
    ]
    if len(values) != len(options):
        raise InvalidValue(
            "option_values",
            f"{family.name} has {len(options)} options ({', '.join(options)}), "
            f"got {len(values)} values",
        )
    if "name" in details:
        raise InvalidValue("name", "a variant's name is made from its family and option values")
    prices = details.pop("prices", None) or {}
    components = details.pop("components", ())
    return NewProduct(
        sku=sku,
        name=variant_name(family.name, values),
        details=details,
        prices=prices,
        components=components,
        family=family,
        option_values=values,
    )


async def add_variant(
    session: AsyncSession,
    *,
    family_id: int,
    sku: str,
    option_values: Sequence[str],
    **details: Any,
) -> Product:
    """Create a variant of the family: one value per option; other details as create_product."""
    family = await load(session, ProductFamily, family_id, field="family_id")
    draft = new_variant(family, sku=sku, option_values=option_values, **details)
    (result,) = await create_products(session, [draft])
    if isinstance(result, DomainError):
        raise result
    return result


async def get_family(session: AsyncSession, *, family_id: int) -> ProductFamily:
    """The family with its variants, or NotFound."""
    return await load(session, ProductFamily, family_id, field="family_id")
