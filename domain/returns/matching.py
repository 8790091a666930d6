"""What Amazon's rows are to us: the product a SKU names, and the row kept as JSON."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.amazon.returns import AmazonRefund, RefundCharge, RefundItem
from skuport.domain.inventory.products.models import Product
from skuport.domain.listings.models import CatalogEntry


async def product_for_sku(session: AsyncSession, *, store_id: int, sku: str) -> int | None:
    """The product Amazon's seller SKU stands for: its catalog link, else the same SKU."""
    wanted = sku.strip()
    if not wanted:
        return None
    linked = await session.scalar(
        select(CatalogEntry.product_id)
        .where(
            CatalogEntry.store_id == store_id,
            CatalogEntry.seller_sku == wanted,
            CatalogEntry.product_id.is_not(None),
        )
        .limit(1)
    )
    if linked is not None:
        return linked
    return await session.scalar(
        select(Product.id).where(func.lower(Product.sku) == wanted.lower()).limit(1)
    )


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def raw_of(row: Any) -> dict[str, Any]:
    """An Amazon row (one of the reader's dataclasses) as JSON-safe values."""
    return _plain(dataclasses.asdict(row))  # type: ignore[no-any-return]


def _charge(raw: dict[str, Any]) -> RefundCharge:
    return RefundCharge(kind=raw["kind"], amount=Decimal(raw["amount"]), currency=raw["currency"])


def refund_of_raw(raw: dict[str, Any]) -> AmazonRefund:
    """The refund kept by `raw_of`, as the reader gave it."""
    posted = raw.get("posted_at")
    return AmazonRefund(
        refund_key=raw["refund_key"],
        order_id=raw["order_id"],
        marketplace_id=raw.get("marketplace_id"),
        posted_at=datetime.fromisoformat(posted) if posted else None,
        items=tuple(
            RefundItem(
                sku=item["sku"],
                order_item_id=item.get("order_item_id"),
                quantity=int(item["quantity"]),
                charges=tuple(_charge(c) for c in item.get("charges", ())),
                fees=tuple(_charge(c) for c in item.get("fees", ())),
            )
            for item in raw.get("items", ())
        ),
    )
