"""What each FBM listing of a store should show on Amazon (SY-1 … SY-3)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.inventory.stock.models import StockMovement
from skuport.domain.listings.models import CatalogEntry, CatalogStatus, Fulfilment
from skuport.domain.stock_sync.holds import held_quantities
from skuport.domain.stock_sync.models import PushedQuantity
from skuport.domain.stores.models import Store, StoreMarketplace

# Bound parameters per IN (...) list: well under SQLite's and asyncpg's limits.
CHUNK = 5000
# Amazon needs a product type on a patch; "PRODUCT" is accepted for offer attributes.
DEFAULT_PRODUCT_TYPE = "PRODUCT"

T = TypeVar("T")


@dataclass(frozen=True)
class WantedQuantity:
    """The quantity one listing (SKU in one marketplace) should show."""

    marketplace_id: str
    seller_sku: str
    product_id: int
    product_type: str
    quantity: int
    last_pushed: int | None

    @property
    def changed(self) -> bool:
        return self.last_pushed != self.quantity


def chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


async def available_by_product(
    session: AsyncSession, *, product_ids: Iterable[int], location_id: int | None
) -> dict[int, Decimal]:
    """On hand minus allocated per product, at one location or over all (one grouped query)."""
    ids = sorted(set(product_ids))
    result = {product_id: Decimal(0) for product_id in ids}
    for part in chunks(ids):
        statement = (
            select(
                StockMovement.product_id,
                func.sum(StockMovement.on_hand_delta),
                func.sum(StockMovement.allocated_delta),
            )
            .where(StockMovement.product_id.in_(part))
            .group_by(StockMovement.product_id)
        )
        if location_id is not None:
            statement = statement.where(StockMovement.location_id == location_id)
        for product_id, on_hand, allocated in await session.execute(statement):
            result[product_id] = Decimal(on_hand or 0) - Decimal(allocated or 0)
    return result


def whole_units(value: Decimal) -> int:
    """Amazon takes whole units; negative availability (backorders) shows as 0."""
    return max(0, int(value.to_integral_value(rounding=ROUND_FLOOR)))


@dataclass(frozen=True)
class Listed:
    """The columns of a catalog entry the push needs (rows, not ORM objects: 50,000 is usual)."""

    id: int
    marketplace_id: str
    seller_sku: str
    product_id: int | None


async def pushable_entries(
    session: AsyncSession, *, store: Store, product_ids: Collection[int] | None = None
) -> list[Listed]:
    """FBM listings of enabled marketplaces that are not CANCELED (SY-1, SY-2)."""
    enabled = select(StoreMarketplace.marketplace_id).where(
        StoreMarketplace.store_id == store.id, StoreMarketplace.enabled.is_(True)
    )
    statement = select(
        CatalogEntry.id,
        CatalogEntry.marketplace_id,
        CatalogEntry.seller_sku,
        CatalogEntry.product_id,
    ).where(
        CatalogEntry.store_id == store.id,
        CatalogEntry.fulfilment == Fulfilment.FBM,
        CatalogEntry.status != CatalogStatus.CANCELED,
        CatalogEntry.seller_sku != "",
        CatalogEntry.marketplace_id.in_(enabled),
    )
    if product_ids is None:
        return [Listed(*row) for row in await session.execute(statement)]
    # A global SKU gets its total in every marketplace (SY-2), also where only one of its
    # listings is linked: find the SKUs of the changed products first, then all their listings.
    skus: set[str] = set()
    for part in chunks(sorted(product_ids)):
        skus.update(
            await session.scalars(
                select(CatalogEntry.seller_sku)
                .where(CatalogEntry.store_id == store.id, CatalogEntry.product_id.in_(part))
                .distinct()
            )
        )
    entries: list[Listed] = []
    for part in chunks(sorted(skus)):
        rows = await session.execute(statement.where(CatalogEntry.seller_sku.in_(part)))
        entries.extend(Listed(*row) for row in rows)
    return entries


async def pushed_quantities(
    session: AsyncSession, *, store_id: int, skus: Collection[str] | None = None
) -> dict[tuple[str, str], tuple[Decimal, datetime]]:
    """What was last sent, by (marketplace, SKU): for some SKUs, or for the whole store."""
    statement = select(
        PushedQuantity.marketplace_id,
        PushedQuantity.seller_sku,
        PushedQuantity.quantity,
        PushedQuantity.pushed_at,
    ).where(PushedQuantity.store_id == store_id)
    parts = (
        [statement]
        if skus is None
        else [statement.where(PushedQuantity.seller_sku.in_(part)) for part in chunks(sorted(skus))]
    )
    pushed: dict[tuple[str, str], tuple[Decimal, datetime]] = {}
    for part in parts:
        for marketplace_id, sku, quantity, at in await session.execute(part):
            pushed[(marketplace_id, sku)] = (quantity, at)
    return pushed


async def wanted_quantities(
    session: AsyncSession, *, store: Store, product_ids: Collection[int] | None = None
) -> list[WantedQuantity]:
    """Each pushable listing's quantity now, with what was last sent (None: never sent)."""
    entries = await pushable_entries(session, store=store, product_ids=product_ids)
    if not entries:
        return []
    # SY-2: one product per seller SKU; the lowest linked entry decides if they ever disagree.
    product_of_sku: dict[str, int] = {}
    for entry in sorted(entries, key=lambda e: e.id):
        if entry.product_id is not None:
            product_of_sku.setdefault(entry.seller_sku, entry.product_id)
    location_id = store.settings.fbm_location_id if store.settings else None
    available = await available_by_product(
        session, product_ids=product_of_sku.values(), location_id=location_id
    )
    held = await held_quantities(session, store_id=store.id)
    pushed = await pushed_quantities(
        session, store_id=store.id, skus=None if product_ids is None else set(product_of_sku)
    )
    wanted: list[WantedQuantity] = []
    seen: set[tuple[str, str]] = set()
    for entry in entries:
        product_id = product_of_sku.get(entry.seller_sku)
        key = (entry.marketplace_id, entry.seller_sku)
        if product_id is None or key in seen:
            continue
        seen.add(key)
        # SY-3: units of orders Amazon has but we have not captured are not ours to sell.
        quantity = whole_units(available[product_id] - held.get(entry.seller_sku, Decimal(0)))
        last = pushed.get(key)
        wanted.append(
            WantedQuantity(
                marketplace_id=entry.marketplace_id,
                seller_sku=entry.seller_sku,
                product_id=product_id,
                product_type=DEFAULT_PRODUCT_TYPE,
                quantity=quantity,
                last_pushed=None if last is None else int(last[0]),
            )
        )
    return wanted
