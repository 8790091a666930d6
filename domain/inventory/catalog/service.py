"""Create, change and find products (IN-1); categories and brands are created on demand."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.inventory.catalog.models import (
    Brand,
    Category,
    KitComponent,
    Product,
    ProductPrice,
    ProductType,
)
from domain.inventory.errors import DuplicateSku, InvalidValue
from domain.inventory.records import (
    ensure_unique,
    load,
    load_optional,
    remember_id,
    remembered_id,
)
from domain.inventory.reference.models import AccountKind, PriceTier, Supplier, TaxRule
from domain.inventory.reference.service import load_account
from domain.inventory.values import decimal_value, optional_text, required_text

T = TypeVar("T")


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()
"""Marks an `update_product` argument that was not given (None clears a field)."""


@dataclass(frozen=True)
class KitLine:
    """One component of a kit: a stock product and how many of it one kit holds."""

    component_id: int
    quantity: Decimal


async def _get_or_create_named(session: AsyncSession, model: type[T], name: str) -> T:
    # A catalog download names the same few categories and brands thousands of times.
    known = remembered_id(session, model, name)
    if known is not None:
        found = await session.get(model, known)
        if found is not None:
            return found
    found = await session.scalar(select(model).where(func.lower(model.name) == name.lower()))  # type: ignore[attr-defined]
    if found is None:
        found = model(name=name)  # type: ignore[call-arg]
        session.add(found)
        await session.flush()
    remember_id(session, model, name, found.id)  # type: ignore[attr-defined]
    return found


async def get_or_create_category(session: AsyncSession, *, name: str) -> Category:
    """The category with this name, created when missing."""
    return await _get_or_create_named(session, Category, required_text(name, field="category"))


async def get_or_create_brand(session: AsyncSession, *, name: str) -> Brand:
    """The brand with this name, created when missing."""
    return await _get_or_create_named(session, Brand, required_text(name, field="brand"))


async def _checked_fields(
    session: AsyncSession, fields: dict[str, Any], *, product: Product | None
) -> dict[str, Any]:
    """Check every given field; return column values (category/brand resolved to ids)."""
    exclude = product.id if product is not None else None
    values: dict[str, Any] = {}
    if "sku" in fields:
        values["sku"] = required_text(fields["sku"], field="sku", max_length=100)
        await ensure_unique(
            session,
            Product,
            "sku",
            values["sku"],
            field="sku",
            exclude_id=exclude,
            error=DuplicateSku,
        )
    if "name" in fields:
        values["name"] = required_text(fields["name"], field="name", max_length=400)
        await ensure_unique(
            session, Product, "name", values["name"], field="name", exclude_id=exclude
        )
    if "type" in fields:
        try:
            values["type"] = ProductType(fields["type"])
        except ValueError:
            raise InvalidValue("type", f"unknown product type {fields['type']!r}") from None
    if "barcode" in fields:
        values["barcode"] = optional_text(fields["barcode"], field="barcode", max_length=50)
    if "description" in fields:
        values["description"] = (fields["description"] or "").strip()
    for key in ("weight_kg", "length_cm", "width_cm", "height_cm"):
        if key in fields and fields[key] is not None:
            values[key] = decimal_value(fields[key], field=key, minimum=Decimal(0))
        elif key in fields:
            values[key] = None
    if "image_urls" in fields:
        urls = [str(u).strip() for u in fields["image_urls"] or [] if str(u).strip()]
        if any(not u.startswith(("http://", "https://")) for u in urls):
            raise InvalidValue("image_urls", "image URLs must start with http:// or https://")
        values["image_urls"] = urls
    for key in ("category", "brand"):
        if key in fields:
            # Resolved (and created when missing) by `_resolve_names`, after every check.
            values[key] = optional_text(fields[key], field=key) or None
    if "default_tax_rule_id" in fields:
        await load_optional(
            session, TaxRule, fields["default_tax_rule_id"], field="default_tax_rule_id"
        )
        values["default_tax_rule_id"] = fields["default_tax_rule_id"]
    if "revenue_account_id" in fields:
        await load_account(
            session,
            fields["revenue_account_id"],
            kind=AccountKind.REVENUE,
            field="revenue_account_id",
        )
        values["revenue_account_id"] = fields["revenue_account_id"]
    if "supplier_id" in fields:
        await load_optional(session, Supplier, fields["supplier_id"], field="supplier_id")
        values["supplier_id"] = fields["supplier_id"]
    if "drop_ship" in fields:
        values["drop_ship"] = bool(fields["drop_ship"])
    return values


async def _resolve_names(session: AsyncSession, values: dict[str, Any]) -> dict[str, Any]:
    """Replace category and brand names by ids, creating what is missing."""
    resolved = dict(values)
    if "category" in resolved:
        name = resolved.pop("category")
        category = await get_or_create_category(session, name=name) if name else None
        resolved["category_id"] = category.id if category else None
    if "brand" in resolved:
        name = resolved.pop("brand")
        brand = await get_or_create_brand(session, name=name) if name else None
        resolved["brand_id"] = brand.id if brand else None
    return resolved


def _check_consistency(values: dict[str, Any], product: Product | None) -> None:
    def current(key: str) -> Any:
        return values[key] if key in values else getattr(product, key, None)

    if current("drop_ship"):
        if current("supplier_id") is None:
            raise InvalidValue("supplier_id", "a drop-ship product needs a supplier")
        if current("type") != ProductType.STOCK:
            raise InvalidValue("drop_ship", "only stock products can be drop-shipped")


async def _checked_prices(
    session: AsyncSession, prices: Mapping[int, Decimal]
) -> dict[int, Decimal]:
    checked: dict[int, Decimal] = {}
    for tier_id, price in prices.items():
        await load(session, PriceTier, tier_id, field=f"prices[{tier_id}]")
        checked[tier_id] = decimal_value(price, field=f"prices[{tier_id}]", minimum=Decimal(0))
    return checked


async def _checked_components(
    session: AsyncSession, components: Sequence[KitLine], *, kit_id: int | None
) -> list[KitLine]:
    if not components:
        raise InvalidValue("components", "a kit needs at least one component")
    seen: set[int] = set()
    checked = []
    for index, line in enumerate(components):
        field = f"components[{index}]"
        part = await load(session, Product, line.component_id, field=f"{field}.component_id")
        if part.type != ProductType.STOCK or part.id == kit_id:
            raise InvalidValue(f"{field}.component_id", "kit components must be stock products")
        if part.id in seen:
            raise InvalidValue(f"{field}.component_id", f"{part.sku} is listed twice")
        seen.add(part.id)
        quantity = decimal_value(line.quantity, field=f"{field}.quantity", positive=True)
        checked.append(KitLine(component_id=part.id, quantity=quantity))
    return checked


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
    fields = dict(locals())
    del fields["session"], fields["prices"], fields["components"]
    values = await _checked_fields(session, fields, product=None)
    _check_consistency(values, None)
    checked_prices = await _checked_prices(session, prices or {})
    kit_lines: list[KitLine] = []
    if values["type"] == ProductType.KIT:
        kit_lines = await _checked_components(session, components, kit_id=None)
    elif components:
        raise InvalidValue("components", "only kits have components")
    product = Product(**await _resolve_names(session, values))
    product.prices = [ProductPrice(price_tier_id=t, price=p) for t, p in checked_prices.items()]
    product.components = [
        KitComponent(component_id=line.component_id, quantity=line.quantity) for line in kit_lines
    ]
    session.add(product)
    await session.flush()
    return product


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
    values = await _checked_fields(session, fields, product=product)
    _check_consistency(values, product)
    for key, value in (await _resolve_names(session, values)).items():
        setattr(product, key, value)
    await session.flush()
    return product


async def set_product_price(
    session: AsyncSession, *, product_id: int, price_tier_id: int, price: Decimal
) -> ProductPrice:
    """Set the product's price in one price tier."""
    product = await load(session, Product, product_id, field="product_id")
    await load(session, PriceTier, price_tier_id, field="price_tier_id")
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
    lines = await _checked_components(session, components, kit_id=kit.id)
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
) -> Select[tuple[Product]]:
    """A query of products matching the filters, ordered by SKU, for paging by the caller."""
    statement = select(Product).order_by(Product.sku, Product.id)
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
