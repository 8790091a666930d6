"""A product's fields checked before anything is written (IN-1): unique SKU and name, values in
range, references that exist, kits of stock products, drop-ship with a supplier."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import DomainError, DuplicateName, DuplicateSku, InvalidValue
from skuport.domain.inventory.products.models import Product, ProductType
from skuport.domain.inventory.records import ensure_unique, load, load_usable, load_usable_optional
from skuport.domain.inventory.reference.models import AccountKind, PriceTier, Supplier, TaxRule
from skuport.domain.inventory.reference.service import load_account
from skuport.domain.inventory.values import decimal_value, optional_text, required_text

_DIMENSIONS = ("weight_kg", "length_cm", "width_cm", "height_cm")


@dataclass(frozen=True)
class KitLine:
    """One component of a kit: a stock product and how many of it one kit holds."""

    component_id: int
    quantity: Decimal


@dataclass
class Taken:
    """SKUs and names in use (lower case): read once for a bulk creation, grown as it goes."""

    skus: set[str]
    names: set[str]

    @classmethod
    async def load(cls, session: AsyncSession, skus: set[str], names: set[str]) -> Taken:
        """Which of these SKUs and names some product already has."""
        return cls(
            skus=await _used(session, Product.sku, skus),
            names=await _used(session, Product.name, names),
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


async def checked_fields(
    session: AsyncSession,
    fields: dict[str, Any],
    *,
    product: Product | None,
    taken: Taken | None = None,
) -> dict[str, Any]:
    """Check every given field; return column values (category and brand still by name)."""
    values = await _checked_identity(session, fields, product=product, taken=taken)
    values.update(_checked_description(fields))
    values.update(await _checked_references(session, fields, product=product))
    return values


async def _checked_identity(
    session: AsyncSession, fields: dict[str, Any], *, product: Product | None, taken: Taken | None
) -> dict[str, Any]:
    """SKU and name: present, not too long, and no other product's."""
    exclude = product.id if product is not None else None
    values: dict[str, Any] = {}
    for column, max_length, error in (("sku", 100, DuplicateSku), ("name", 400, DuplicateName)):
        if column not in fields:
            continue
        values[column] = required_text(fields[column], field=column, max_length=max_length)
        in_use = None if taken is None else (taken.skus if column == "sku" else taken.names)
        await _ensure_free(
            session, column, values[column], exclude_id=exclude, error=error, taken=in_use
        )
    return values


def _checked_description(fields: dict[str, Any]) -> dict[str, Any]:
    """Type, barcode, text, dimensions, images; category and brand by name."""
    values: dict[str, Any] = {}
    if "type" in fields:
        try:
            values["type"] = ProductType(fields["type"])
        except ValueError:
            raise InvalidValue("type", f"unknown product type {fields['type']!r}") from None
    if "barcode" in fields:
        values["barcode"] = optional_text(fields["barcode"], field="barcode", max_length=50)
    if "description" in fields:
        values["description"] = (fields["description"] or "").strip()
    for key in _DIMENSIONS:
        if key in fields:
            value = fields[key]
            values[key] = (
                None if value is None else decimal_value(value, field=key, minimum=Decimal(0))
            )
    if "image_urls" in fields:
        urls = [str(u).strip() for u in fields["image_urls"] or [] if str(u).strip()]
        if any(not u.startswith(("http://", "https://")) for u in urls):
            raise InvalidValue("image_urls", "image URLs must start with http:// or https://")
        values["image_urls"] = urls
    for key in ("category", "brand"):
        if key in fields:
            # Resolved (and created when missing) by `names.resolve_names`, after every check.
            values[key] = optional_text(fields[key], field=key) or None
    return values


async def _checked_references(
    session: AsyncSession, fields: dict[str, Any], *, product: Product | None
) -> dict[str, Any]:
    """The default tax rule, the revenue account and the supplier exist and are not archived
    (unless the product already has it); drop-ship a flag."""

    def current(key: str) -> int | None:
        return getattr(product, key) if product is not None else None

    values: dict[str, Any] = {}
    for key, model in (("default_tax_rule_id", TaxRule), ("supplier_id", Supplier)):
        if key in fields:
            await load_usable_optional(session, model, fields[key], field=key, current=current(key))
            values[key] = fields[key]
    if "revenue_account_id" in fields:
        await load_account(
            session,
            fields["revenue_account_id"],
            kind=AccountKind.REVENUE,
            field="revenue_account_id",
            current=current("revenue_account_id"),
        )
        values["revenue_account_id"] = fields["revenue_account_id"]
    if "drop_ship" in fields:
        values["drop_ship"] = bool(fields["drop_ship"])
    return values


def check_consistency(values: dict[str, Any], product: Product | None) -> None:
    """A drop-ship product is a stock product with a supplier (the values as they will be)."""

    def current(key: str) -> Any:
        return values[key] if key in values else getattr(product, key, None)

    if current("drop_ship"):
        if current("supplier_id") is None:
            raise InvalidValue("supplier_id", "a drop-ship product needs a supplier")
        if current("type") != ProductType.STOCK:
            raise InvalidValue("drop_ship", "only stock products can be drop-shipped")


async def checked_prices(
    session: AsyncSession, prices: Mapping[int, Decimal]
) -> dict[int, Decimal]:
    """Prices by price tier: each tier exists and is not archived, no price is negative."""
    checked: dict[int, Decimal] = {}
    for tier_id, price in prices.items():
        await load_usable(session, PriceTier, tier_id, field=f"prices[{tier_id}]")
        checked[tier_id] = decimal_value(price, field=f"prices[{tier_id}]", minimum=Decimal(0))
    return checked


async def checked_components(
    session: AsyncSession, components: Sequence[KitLine], *, kit_id: int | None
) -> list[KitLine]:
    """A kit's components: at least one, each a different stock product, in positive numbers."""
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
