"""Reservations: stock allocated before any sale exists, held by a reference (IN-3, OR-4).

An Amazon order is allocated the moment it is captured, while it waits as a pending order.
The integration reserves its lines under a reference (e.g. "amazon:111-2223334-5556667") and,
when the order becomes a sale task, releases the reservation and creates the sale in the same
transaction: availability is unchanged, so no event is published for the hand-over.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import InvalidValue, NotFound
from skuport.domain.inventory.products.models import Product, ProductType
from skuport.domain.inventory.records import load
from skuport.domain.inventory.stock.ledger import lock_products, record_movement, record_movements
from skuport.domain.inventory.stock.models import Location, MovementKind, StockMovement
from skuport.domain.inventory.values import decimal_value, required_text


@dataclass(frozen=True)
class Reservation:
    product_id: int
    location_id: int
    quantity: Decimal


async def reserve_stock(
    session: AsyncSession,
    *,
    reference: str,
    location_id: int,
    items: Sequence[tuple[int, Decimal]],
) -> list[Reservation]:
    """Allocate (product, quantity) items under `reference`; kits reserve their components."""
    reference = required_text(reference, field="reference")
    await load(session, Location, location_id, field="location_id")
    if not items:
        raise InvalidValue("items", "nothing to reserve")
    wanted: list[Reservation] = []
    for index, (product_id, quantity) in enumerate(items):
        product = await load(session, Product, product_id, field=f"items[{index}].product_id")
        quantity = decimal_value(quantity, field=f"items[{index}].quantity", positive=True)
        if product.drop_ship or product.type == ProductType.SERVICE:
            continue
        if product.type == ProductType.KIT:
            wanted += [
                Reservation(c.component_id, location_id, c.quantity * quantity)
                for c in product.components
            ]
        else:
            wanted.append(Reservation(product.id, location_id, quantity))
    # Allocation never refuses (backorders are allowed), so it needs no stock lock.
    for item in wanted:
        record_movement(
            session,
            kind=MovementKind.ALLOCATION,
            product_id=item.product_id,
            location_id=item.location_id,
            allocated=item.quantity,
            reference=reference,
        )
    await session.flush()
    return wanted


async def reserved_stock(session: AsyncSession, *, reference: str) -> list[Reservation]:
    """What `reference` still holds, per product and location."""
    rows = await session.execute(
        select(
            StockMovement.product_id,
            StockMovement.location_id,
            func.sum(StockMovement.allocated_delta),
        )
        .where(StockMovement.reference == reference)
        .group_by(StockMovement.product_id, StockMovement.location_id)
        .order_by(StockMovement.product_id, StockMovement.location_id)
    )
    return [Reservation(p, loc, q) for p, loc, q in rows if q != 0]


async def release_reservation(
    session: AsyncSession, *, reference: str, reason: str = ""
) -> list[Reservation]:
    """Release everything `reference` holds (the order became a sale, or was cancelled)."""
    held = await reserved_stock(session, reference=reference)
    if not held:
        raise NotFound("reference", f"nothing is reserved under {reference!r}")
    await lock_products(session, [r.product_id for r in held])
    # Read again under the lock: a concurrent release of the same reference may have won.
    held = await reserved_stock(session, reference=reference)
    for item in held:
        record_movement(
            session,
            kind=MovementKind.RELEASE,
            product_id=item.product_id,
            location_id=item.location_id,
            allocated=-item.quantity,
            reference=reference,
            reason=reason,
        )
    await session.flush()
    return held


# References read per statement when many reservations are released at once.
REFERENCES_PER_READ = 500


async def release_reservations(
    session: AsyncSession, *, references: Sequence[str], reason: str = ""
) -> dict[str, list[Reservation]]:
    """Release everything each of `references` holds, in a few statements for any number of
    them (a disconnected store's pending orders); what each held, references holding nothing
    left out."""
    wanted = sorted(set(references))
    held = await _held_by(session, wanted)
    await lock_products(session, {r.product_id for items in held.values() for r in items})
    held = await _held_by(session, wanted)  # again under the lock, as `release_reservation`
    await record_movements(
        session,
        kind=MovementKind.RELEASE,
        movements=[
            {
                "product_id": item.product_id,
                "location_id": item.location_id,
                "allocated": -item.quantity,
                "reference": reference,
                "reason": reason,
            }
            for reference, items in held.items()
            for item in items
        ],
    )
    return held


async def _held_by(session: AsyncSession, references: list[str]) -> dict[str, list[Reservation]]:
    held: dict[str, list[Reservation]] = {}
    for start in range(0, len(references), REFERENCES_PER_READ):
        rows = await session.execute(
            select(
                StockMovement.reference,
                StockMovement.product_id,
                StockMovement.location_id,
                func.sum(StockMovement.allocated_delta),
            )
            .where(StockMovement.reference.in_(references[start : start + REFERENCES_PER_READ]))
            .group_by(StockMovement.reference, StockMovement.product_id, StockMovement.location_id)
            .order_by(StockMovement.reference, StockMovement.product_id, StockMovement.location_id)
        )
        for reference, product_id, location_id, quantity in rows:
            if quantity != 0:
                held.setdefault(reference, []).append(
                    Reservation(product_id, location_id, quantity)
                )
    return held
