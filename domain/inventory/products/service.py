"""Create, change and find products (IN-1); categories and brands are created on demand."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import (
    DomainError,
    DuplicateName,
    DuplicateSku,
    InvalidValue,
)
from skuport.domain.inventory.products.models import (
    Brand,
    Category,
    KitComponent,
    Product,
    ProductFamily,
    ProductPrice,
    ProductType,
)
from skuport.domain.inventory.records import (
    ensure_unique,
    load,
    load_optional,
    remember_id,
    remembered_id,
)
from skuport.domain.inventory.reference.models import AccountKind, PriceTier, Supplier, TaxRule
from skuport.domain.inventory.reference.service import load_account
from skuport.domain.inventory.values import decimal_value, optional_text, required_text

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


@dataclass
class _Taken:
    """SKUs and names in use (lower case): read once for a bulk creation, grown as it goes."""

    skus: set[str]
    names: set[str]

    @classmethod
    async def load(cls, session: AsyncSession, drafts: Sequence[NewProduct]) -> _Taken:
        return cls(
            skus=await _used(session, Product.sku, {(d.sku or "").strip() for d in drafts}),
            names=await _used(session, Product.name, {(d.name or "").strip() for d in drafts}),
        )


async def _used(session: AsyncSession, column: Any, values: set[str]) -> set[str]:
    """The given values (lower case) some row already has in `column`, case-insensitively."""
    values.discard("")
    if not values:
        return set()
    lowered = {v.lower() for v in values}
    # Exact matches too: SQLite's lower() leaves non-ASCII letters as they are.
    rows = await session.scalars(
        select(column).where(or_(func.lower(column).in_(lowered), column.in_(values)))
    )
    return {v.lower() for v in rows}


async def _named_ids(
    session: AsyncSession, model: type[Any], names: Sequence[str]
) -> dict[str, int]:
    """Ids of the categories or brands with these names (lower case keys), missing ones created."""
    wanted: dict[str, str] = {}
    for name in names:
        wanted.setdefault(name.lower(), name)
    if not wanted:
        return {}
    found = {
        row.name.lower(): row.id
        for row in await session.scalars(
            select(model).where(
                or_(func.lower(model.name).in_(wanted), model.name.in_(wanted.values()))
            )
        )
    }
    missing = [model(name=name) for key, name in wanted.items() if key not in found]
    if missing:
        session.add_all(missing)
        await session.flush()
        found.update((row.name.lower(), row.id) for row in missing)
    return found


async def _get_or_create_named(session: AsyncSession, model: type[T], name: str) -> T:
    # A catalog download names the same few categories and brands thousands of times.
    known = remembered_id(session, model, name)
    if known is not None:
        found = await session.get(model, known)
        if found is not None:
            return found
    record_id = (await _named_ids(session, model, [name]))[name.lower()]
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


async def _ensure_free(
    session: AsyncSession,
    column: str,
    value: str,
    *,
    exclude_id: int | None,
    error: type[DomainError],
    taken: set[str] | None,
) -> None:
    """Refuse a SKU or name another product has (`taken`: what a bulk creation read up front)."""
    if taken is None:
        await ensure_unique(
            session, Product, column, value, field=column, exclude_id=exclude_id, error=error
        )
    elif value.lower() in taken:
        raise error(column, f"a product with {column} {value!r} already exists")


async def _checked_fields(
    session: AsyncSession,
    fields: dict[str, Any],
    *,
    product: Product | None,
    taken: _Taken | None = None,
) -> dict[str, Any]:
    """Check every given field; return column values (category and brand still by name)."""
    exclude = product.id if product is not None else None
    values: dict[str, Any] = {}
    if "sku" in fields:
        values["sku"] = required_text(fields["sku"], field="sku", max_length=100)
        await _ensure_free(
            session,
            "sku",
            values["sku"],
            exclude_id=exclude,
            error=DuplicateSku,
            taken=taken.skus if taken else None,
        )
    if "name" in fields:
        values["name"] = required_text(fields["name"], field="name", max_length=400)
        await _ensure_free(
            session,
            "name",
            values["name"],
            exclude_id=exclude,
            error=DuplicateName,
            taken=taken.names if taken else None,
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


async def _resolve_names(
    session: AsyncSession, values_list: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Replace category and brand names by ids, creating what is missing (one query per kind)."""
    resolved = [dict(values) for values in values_list]
    for key, model in (("category", Category), ("brand", Brand)):
        names = [values[key] for values in resolved if values.get(key)]
        ids = await _named_ids(session, model, names) if names else {}
        for values in resolved:
            if key in values:
                name = values.pop(key)
                values[f"{key}_id"] = ids[name.lower()] if name else None
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


async def _checked_new(
    session: AsyncSession, draft: NewProduct, taken: _Taken
) -> tuple[dict[str, Any], dict[int, Decimal], list[KitLine]]:
    unknown = draft.details.keys() - _DETAILS
    if unknown:
        raise TypeError(f"unknown product fields: {', '.join(sorted(unknown))}")
    fields = {"type": ProductType.STOCK, **draft.details, "sku": draft.sku, "name": draft.name}
    values = await _checked_fields(session, fields, product=None, taken=taken)
    _check_consistency(values, None)
    prices = await _checked_prices(session, draft.prices)
    kit_lines: list[KitLine] = []
    if values["type"] == ProductType.KIT:
        kit_lines = await _checked_components(session, draft.components, kit_id=None)
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
    taken = await _Taken.load(session, drafts)
    checked: list[tuple[dict[str, Any], dict[int, Decimal], list[KitLine]] | DomainError] = []
    for draft in drafts:
        try:
            checked.append(await _checked_new(session, draft, taken))
        except DomainError as exc:
            checked.append(exc)
    accepted = [item for item in checked if not isinstance(item, DomainError)]
    columns = iter(await _resolve_names(session, [values for values, _, _ in accepted]))
    results: list[Product | DomainError] = []
    for draft, item in zip(drafts, checked, strict=True):
        if isinstance(item, DomainError):
            results.append(item)
            continue
        _, prices, kit_lines = item
        product = Product(**next(columns))
        product.prices = [ProductPrice(price_tier_id=t, price=p) for t, p in prices.items()]
        product.components = [
            KitComponent(component_id=line.component_id, quantity=line.quantity)
            for line in kit_lines
        ]
        if draft.family is not None:
            padded = [*draft.option_values, "", "", ""]
            product.family_id = draft.family.id
            product.option1_value, product.option2_value, product.option3_value = padded[:3]
        results.append(product)
    session.add_all(p for p in results if isinstance(p, Product))
    await session.flush()
    return results


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
    values = await _checked_fields(session, fields, product=product)
    _check_consistency(values, product)
    (columns,) = await _resolve_names(session, [values])
    for key, value in columns.items():
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
