"""Create, change and find products (IN-1).

The checks of a product's fields live in `checks`, categories and brands (created on demand)
in `names`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import DomainError, InvalidValue
from skuport.domain.inventory.products.checks import (
    KitLine,
    Taken,
    check_consistency,
    checked_components,
    checked_fields,
    checked_prices,
)
from skuport.domain.inventory.products.models import (
    KitComponent,
    Product,
    ProductFamily,
    ProductPrice,
    ProductType,
)
from skuport.domain.inventory.products.names import resolve_names
from skuport.domain.inventory.records import load, load_usable, unarchived
from skuport.domain.inventory.reference.models import PriceTier
from skuport.domain.inventory.values import decimal_value

__all__ = [
    "UNSET",
    "KitLine",
    "NewProduct",
    "create_product",
    "create_products",
    "find_product_by_sku",
    "get_product",
    "list_products",
    "select_products",
    "set_kit_components",
    "set_product_price",
    "update_product",
]


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()
"""Marks an `update_product` argument that was not given (None clears a field)."""


@dataclass(frozen=True)
class NewProduct:
    """One product for `create_products`: what `create_product` takes (a variant's family too)."""

    sku: str
    name: str
    # create_product's other keyword arguments: type, category, brand, barcode, weight_kg, …
    details: Mapping[str, Any] = field(default_factory=dict)
    prices: Mapping[int, Decimal] = field(default_factory=dict)
    components: Sequence[KitLine] = ()
    family: ProductFamily | None = None
    option_values: Sequence[str] = ()


_DETAILS = frozenset(
    {
        "type", "category", "brand", "barcode", "weight_kg", "length_cm", "width_cm",
        "height_cm", "description", "image_urls", "default_tax_rule_id", "revenue_account_id",
        "drop_ship", "supplier_id",
    }
)  # fmt: skip


async def _checked_new(
    session: AsyncSession, draft: NewProduct, taken: Taken
) -> tuple[dict[str, Any], dict[int, Decimal], list[KitLine]]:
    unknown = draft.details.keys() - _DETAILS
    if unknown:
        raise TypeError(f"unknown product fields: {', '.join(sorted(unknown))}")
    fields = {"type": ProductType.STOCK, **draft.details, "sku": draft.sku, "name": draft.name}
    values = await checked_fields(session, fields, product=None, taken=taken)
    check_consistency(values, None)
    prices = await checked_prices(session, draft.prices)
    kit_lines: list[KitLine] = []
    if values["type"] == ProductType.KIT:
        kit_lines = await checked_components(session, draft.components, kit_id=None)
    elif draft.components:
        raise InvalidValue("components", "only kits have components")
    taken.skus.add(values["sku"].lower())
    taken.names.add(values["name"].lower())
    return values, prices, kit_lines


async def create_products(
    session: AsyncSession, drafts: Sequence[NewProduct]
) -> list[Product | DomainError]:
    """Create products with `create_product`'s checks, in a few statements for all of them.

    Each draft gets its product or its refusal, in order; nothing is written for a refused one.
    A draft is checked against the products before it, as if they were created one by one.
    """
    taken = await Taken.load(
        session,
        skus={(draft.sku or "").strip() for draft in drafts},
        names={(draft.name or "").strip() for draft in drafts},
    )
    checked: list[tuple[dict[str, Any], dict[int, Decimal], list[KitLine]] | DomainError] = []
    for draft in drafts:
        try:
            checked.append(await _checked_new(session, draft, taken))
        except DomainError as exc:
            checked.append(exc)
    accepted = [item for item in checked if not isinstance(item, DomainError)]
    columns = iter(await resolve_names(session, [values for values, _, _ in accepted]))
    results: list[Product | DomainError] = []
    for draft, item in zip(drafts, checked, strict=True):
        if isinstance(item, DomainError):
            results.append(item)
            continue
        _, prices, kit_lines = item
        results.append(_new_product(draft, next(columns), prices, kit_lines))
    session.add_all(p for p in results if isinstance(p, Product))
    await session.flush()
    return results


def _new_product(
    draft: NewProduct,
    columns: dict[str, Any],
    prices: Mapping[int, Decimal],
    kit_lines: Sequence[KitLine],
) -> Product:
    """The product of a checked draft, with its prices, components and place in its family."""
    product = Product(**columns)
    product.prices = [ProductPrice(price_tier_id=t, price=p) for t, p in prices.items()]
    product.components = [
        KitComponent(component_id=line.component_id, quantity=line.quantity) for line in kit_lines
    ]
    if draft.family is not None:
        padded = [*draft.option_values, "", "", ""]
        product.family_id = draft.family.id
        product.option1_value, product.option2_value, product.option3_value = padded[:3]
    return product


async def create_product(
    session: AsyncSession,
    *,
    sku: str,
    name: str,
    type: ProductType = ProductType.STOCK,
    category: str | None = None,
    brand: str | None = None,
    barcode: str = "",
    weight_kg: Decimal | None = None,
    length_cm: Decimal | None = None,
    width_cm: Decimal | None = None,
    height_cm: Decimal | None = None,
    description: str = "",
    image_urls: Sequence[str] = (),
    default_tax_rule_id: int | None = None,
    revenue_account_id: int | None = None,
    prices: Mapping[int, Decimal] | None = None,
    drop_ship: bool = False,
    supplier_id: int | None = None,
    components: Sequence[KitLine] = (),
) -> Product:
    """Create a product; a kit needs its components, a drop-ship product its supplier."""
    details = dict(locals())
    for key in ("session", "sku", "name", "prices", "components"):
        del details[key]
    draft = NewProduct(sku, name, details, prices or {}, components)
    (result,) = await create_products(session, [draft])
    if isinstance(result, DomainError):
        raise result
    return result


async def update_product(
    session: AsyncSession,
    *,
    product_id: int,
    sku: str = UNSET,
    name: str = UNSET,
    category: str | None = UNSET,
    brand: str | None = UNSET,
    barcode: str = UNSET,
    weight_kg: Decimal | None = UNSET,
    length_cm: Decimal | None = UNSET,
    width_cm: Decimal | None = UNSET,
    height_cm: Decimal | None = UNSET,
    description: str = UNSET,
    image_urls: Sequence[str] = UNSET,
    default_tax_rule_id: int | None = UNSET,
    revenue_account_id: int | None = UNSET,
    drop_ship: bool = UNSET,
    supplier_id: int | None = UNSET,
) -> Product:
    """Change the given fields of a product; fields not given stay as they are."""
    fields = {k: v for k, v in locals().items() if v is not UNSET}
    del fields["session"], fields["product_id"]
    product = await load(session, Product, product_id, field="product_id")
    values = await checked_fields(session, fields, product=product)
    check_consistency(values, product)
    # The product may keep an archived category or brand it already has.
    (columns,) = await resolve_names(session, [values], product=product)
    for key, value in columns.items():
        setattr(product, key, value)
    await session.flush()
    return product


async def set_product_price(
    session: AsyncSession, *, product_id: int, price_tier_id: int, price: Decimal
) -> ProductPrice:
    """Set the product's price in one price tier."""
    product = await load(session, Product, product_id, field="product_id")
    await load_usable(session, PriceTier, price_tier_id, field="price_tier_id")
    price = decimal_value(price, field="price", minimum=Decimal(0))
    for existing in product.prices:
        if existing.price_tier_id == price_tier_id:
            existing.price = price
            await session.flush()
            return existing
    entry = ProductPrice(price_tier_id=price_tier_id, price=price)
    product.prices.append(entry)
    await session.flush()
    return entry


async def set_kit_components(
    session: AsyncSession, *, kit_id: int, components: Sequence[KitLine]
) -> Product:
    """Replace the components of a kit."""
    kit = await load(session, Product, kit_id, field="kit_id")
    if kit.type != ProductType.KIT:
        raise InvalidValue("kit_id", f"{kit.sku} is not a kit")
    lines = await checked_components(session, components, kit_id=kit.id)
    kit.components.clear()
    await session.flush()
    kit.components.extend(
        KitComponent(component_id=x.component_id, quantity=x.quantity) for x in lines
    )
    await session.flush()
    return kit


async def get_product(session: AsyncSession, *, product_id: int) -> Product:
    """The product, or NotFound."""
    return await load(session, Product, product_id, field="product_id")


async def find_product_by_sku(session: AsyncSession, *, sku: str) -> Product | None:
    """The product with exactly this SKU (case-insensitive), if any."""
    return await session.scalar(
        select(Product).where(func.lower(Product.sku) == sku.strip().lower())
    )


def select_products(
    *,
    search: str | None = None,
    type: ProductType | None = None,
    category_id: int | None = None,
    brand_id: int | None = None,
    family_id: int | None = None,
    include_archived: bool = False,
) -> Select[tuple[Product]]:
    """A query of products matching the filters, ordered by SKU, for paging by the caller;
    archived products only with `include_archived`."""
    statement = select(Product).order_by(Product.sku, Product.id)
    statement = unarchived(statement, Product, include_archived=include_archived)
    if search:
        pattern = f"%{search.strip().lower()}%"
        statement = statement.where(
            or_(
                func.lower(Product.sku).like(pattern),
                func.lower(Product.name).like(pattern),
                func.lower(Product.barcode).like(pattern),
            )
        )
    if type is not None:
        statement = statement.where(Product.type == ProductType(type))
    if category_id is not None:
        statement = statement.where(Product.category_id == category_id)
    if brand_id is not None:
        statement = statement.where(Product.brand_id == brand_id)
    if family_id is not None:
        statement = statement.where(Product.family_id == family_id)
    return statement


async def list_products(
    session: AsyncSession, *, limit: int = 100, offset: int = 0, **filters: Any
) -> list[Product]:
    """Products matching `select_products` filters, one page."""
    if limit < 1 or offset < 0:
        raise InvalidValue("limit", "limit must be positive and offset not negative")
    result = await session.scalars(select_products(**filters).limit(limit).offset(offset))
    return list(result)
