"""Product families (IN-2): up to three options; variants named `Family (Value1, Value2)`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.inventory.catalog.models import Product, ProductFamily
from domain.inventory.catalog.service import create_product
from domain.inventory.errors import InvalidValue
from domain.inventory.records import ensure_unique, load
from domain.inventory.values import optional_text, required_text

MAX_OPTIONS = 3


def variant_name(family_name: str, option_values: Sequence[str]) -> str:
    """The name of a variant: the family's name followed by its option values."""
    return f"{family_name} ({', '.join(option_values)})"


async def create_family(
    session: AsyncSession, *, name: str, option_names: Sequence[str], sku: str = ""
) -> ProductFamily:
    """Create a product family with one to three option names (e.g. Size, Colour)."""
    name = required_text(name, field="name")
    names = [
        required_text(n, field=f"option_names[{i}]", max_length=100)
        for i, n in enumerate(option_names)
    ]
    if not names:
        raise InvalidValue("option_names", "a family needs at least one option name")
    if len(names) > MAX_OPTIONS:
        raise InvalidValue(
            "option_names", f"a family has at most {MAX_OPTIONS} options, got {len(names)}"
        )
    if len({n.lower() for n in names}) != len(names):
        raise InvalidValue("option_names", "option names must differ")
    await ensure_unique(session, ProductFamily, "name", name, field="name")
    padded = [*names, "", "", ""]
    family = ProductFamily(
        name=name,
        sku=optional_text(sku, field="sku", max_length=100),
        option1_name=padded[0],
        option2_name=padded[1],
        option3_name=padded[2],
    )
    session.add(family)
    await session.flush()
    return family


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
    product = await create_product(
        session, sku=sku, name=variant_name(family.name, values), **details
    )
    padded = [*values, "", "", ""]
    product.family_id = family.id
    product.option1_value, product.option2_value, product.option3_value = padded[:3]
    await session.flush()
    return product


async def get_family(session: AsyncSession, *, family_id: int) -> ProductFamily:
    """The family with its variants, or NotFound."""
    return await load(session, ProductFamily, family_id, field="family_id")
