"""The stock ledger: record movements, derive figures, and lock stock against races.

Figures are sums over the ledger, never counters. Concurrency: every service that checks and
then moves stock first locks the product rows involved (`lock_products`, in id order so two
sales never deadlock). On PostgreSQL that is `SELECT … FOR UPDATE`; under READ COMMITTED the
sums read after the lock include whatever the previous holder committed. On SQLite every
transaction already holds the database's write lock from its first statement (BEGIN
IMMEDIATE), so writers are serialised and the lock query is a no-op.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, TextClause, column, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.inventory.events import note_availability_change
from skuport.domain.inventory.products.models import Product
from skuport.domain.inventory.stock.models import MovementKind, StockCheckpoint, StockMovement
from skuport.domain.unit_of_work import now_of

ZERO = Decimal(0)


@dataclass(frozen=True)
class StockFigure:
    """Stock of one product at one location (`location_id` None: all locations together)."""

    product_id: int
    location_id: int | None
    on_hand: Decimal = ZERO
    allocated: Decimal = ZERO
    picked: Decimal = ZERO

    @property
    def available(self) -> Decimal:
        """On hand minus allocated; negative when sales are backordered."""
        return self.on_hand - self.allocated

    @property
    def unpicked_on_hand(self) -> Decimal:
        """On hand not yet set aside by a pick: what a new pick may take."""
        return self.on_hand - self.picked


async def lock_products(session: AsyncSession, product_ids: Iterable[int]) -> None:
    """Lock the products' stock for the rest of the transaction (no-op on SQLite)."""
    ids = sorted(set(product_ids))
    if ids and session.get_bind().dialect.name == "postgresql":
        await session.execute(
            select(Product.id).where(Product.id.in_(ids)).order_by(Product.id).with_for_update()
        )


def sums() -> tuple[Any, Any, Any]:
    """SQL sums of on hand, allocated and picked deltas."""
    return (
        func.coalesce(func.sum(StockMovement.on_hand_delta), ZERO),
        func.coalesce(func.sum(StockMovement.allocated_delta), ZERO),
        func.coalesce(func.sum(StockMovement.picked_delta), ZERO),
    )


# A pair whose movements since its last checkpoint reach this many gets a new checkpoint.
CHECKPOINT_EVERY = 50
# Pairs read per pair of statements (a big receipt's publication reads several such rounds).
PAIRS_PER_READ = 500


async def figures_for(
    session: AsyncSession, pairs: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], StockFigure]:
    """Figures for each (product, location) pair; pairs without movements are all zero.

    Each figure is the pair's latest checkpoint plus the movements after it (two statements),
    so its cost does not grow with the product's history. On SQLite, where every transaction
    holds the write lock, a pair with many movements since its checkpoint gets a new one.
    PostgreSQL writes none: ordering allocates without a lock, so a movement with a smaller
    id may still be uncommitted when a checkpoint is taken — it would be missed for ever.
    """
    wanted = sorted(set(pairs))
    result = {(p, loc): StockFigure(product_id=p, location_id=loc) for p, loc in wanted}
    for start in range(0, len(wanted), PAIRS_PER_READ):
        await _read_figures(session, wanted[start : start + PAIRS_PER_READ], result)
    return result


async def _read_figures(
    session: AsyncSession,
    wanted: list[tuple[int, int]],
    result: dict[tuple[int, int], StockFigure],
) -> None:
    upto = await _read_checkpoints(session, wanted, result)
    since = await _add_tails(session, wanted, upto, result)
    if session.get_bind().dialect.name == "sqlite":
        due = [(pair, last) for pair, (count, last) in since.items() if count >= CHECKPOINT_EVERY]
        if due:
            await _write_checkpoints(session, due, result)


async def _read_checkpoints(
    session: AsyncSession,
    wanted: list[tuple[int, int]],
    result: dict[tuple[int, int], StockFigure],
) -> dict[tuple[int, int], int]:
    """Start each pair's figure at its latest checkpoint; returns the last movement each covers."""
    cp = StockCheckpoint
    latest = (
        select(func.max(cp.id))
        .where(
            cp.product_id.in_({p for p, _ in wanted}),
            cp.location_id.in_({loc for _, loc in wanted}),
        )
        .group_by(cp.product_id, cp.location_id)
    )
    upto: dict[tuple[int, int], int] = {}
    for product_id, location_id, last, on_hand, allocated, picked in await session.execute(
        select(
            cp.product_id, cp.location_id, cp.upto_movement_id, cp.on_hand, cp.allocated, cp.picked
        ).where(cp.id.in_(latest))
    ):
        pair = (product_id, location_id)
        if pair in result:  # not a checkpoint of another location of a wanted product
            upto[pair] = last
            result[pair] = replace(
                result[pair], on_hand=on_hand, allocated=allocated, picked=picked
            )
    return upto


async def _add_tails(
    session: AsyncSession,
    wanted: list[tuple[int, int]],
    upto: dict[tuple[int, int], int],
    result: dict[tuple[int, int], StockFigure],
) -> dict[tuple[int, int], tuple[int, int]]:
    """Add the movements after each checkpoint; returns each pair's (count, last id) of them."""
    params: dict[str, int] = {}
    for i, (product_id, location_id) in enumerate(wanted):
        params.update({f"p{i}": product_id, f"l{i}": location_id})
        params[f"u{i}"] = upto.get((product_id, location_id), 0)
    since: dict[tuple[int, int], tuple[int, int]] = {}
    for product_id, location_id, on_hand, allocated, picked, count, last in await session.execute(
        _tail_sums(len(wanted)), params
    ):
        pair = (product_id, location_id)
        before = result[pair]
        result[pair] = replace(
            before,
            on_hand=before.on_hand + (on_hand or ZERO),
            allocated=before.allocated + (allocated or ZERO),
            picked=before.picked + (picked or ZERO),
        )
        since[pair] = (count, last)
    return since


async def _write_checkpoints(
    session: AsyncSession,
    due: list[tuple[tuple[int, int], int]],
    result: dict[tuple[int, int], StockFigure],
) -> None:
    """A checkpoint for each due pair: its figure up to and including movement `last`."""
    await session.execute(
        insert(StockCheckpoint),
        [
            {
                "product_id": product_id,
                "location_id": location_id,
                "upto_movement_id": last,
                "on_hand": result[(product_id, location_id)].on_hand,
                "allocated": result[(product_id, location_id)].allocated,
                "picked": result[(product_id, location_id)].picked,
                "created_at": now_of(session),
            }
            for (product_id, location_id), last in due
        ],
    )


@functools.cache
def _tail_sums(pairs: int) -> TextClause:
    """Sums of each pair's movements after its checkpoint: one index range per pair.

    Written as text, one per number of pairs: building and caching the same statement as an
    expression costs more than running it."""
    terms = " OR ".join(
        f"(product_id = :p{i} AND location_id = :l{i} AND id > :u{i})" for i in range(pairs)
    )
    m = StockMovement
    return text(
        "SELECT product_id, location_id, sum(on_hand_delta), sum(allocated_delta), "
        f"sum(picked_delta), count(id), max(id) FROM {m.__tablename__} WHERE {terms} "
        "GROUP BY product_id, location_id"
    ).columns(
        column("product_id", Integer),
        column("location_id", Integer),
        column("on_hand", m.on_hand_delta.type),
        column("allocated", m.allocated_delta.type),
        column("picked", m.picked_delta.type),
        column("count", Integer),
        column("last", Integer),
    )


async def totals_for(session: AsyncSession, product_ids: Iterable[int]) -> dict[int, StockFigure]:
    """Figures of each product summed over all locations, in one query."""
    wanted = sorted(set(product_ids))
    result = {p: StockFigure(product_id=p, location_id=None) for p in wanted}
    if not wanted:
        return result
    rows = await session.execute(
        select(StockMovement.product_id, *sums())
        .where(StockMovement.product_id.in_(wanted))
        .group_by(StockMovement.product_id)
    )
    for product_id, on_hand, allocated, picked in rows:
        result[product_id] = StockFigure(
            product_id=product_id,
            location_id=None,
            on_hand=Decimal(on_hand),
            allocated=Decimal(allocated),
            picked=Decimal(picked),
        )
    return result


def record_movement(
    session: AsyncSession,
    *,
    kind: MovementKind,
    product_id: int,
    location_id: int,
    on_hand: Decimal = ZERO,
    allocated: Decimal = ZERO,
    picked: Decimal = ZERO,
    reason: str = "",
    sale_id: int | None = None,
    sale_line_id: int | None = None,
    credit_note_id: int | None = None,
    reference: str | None = None,
) -> StockMovement:
    """Append one movement to the ledger and note its effect on availability (IN-8)."""
    movement = StockMovement(
        kind=kind,
        product_id=product_id,
        location_id=location_id,
        on_hand_delta=on_hand,
        allocated_delta=allocated,
        picked_delta=picked,
        reason=reason,
        sale_id=sale_id,
        sale_line_id=sale_line_id,
        credit_note_id=credit_note_id,
        reference=reference,
    )
    session.add(movement)
    if on_hand != allocated:
        note_availability_change(
            session, product_id=product_id, location_id=location_id, delta=on_hand - allocated
        )
    return movement


async def record_movements(
    session: AsyncSession, *, kind: MovementKind, movements: Iterable[dict[str, Any]]
) -> None:
    """Append many movements in one statement; each dict holds `product_id`, `location_id`
    and any of the deltas (`on_hand`, `allocated`, `picked`), `sale_id`, `sale_line_id`,
    `reason`, and its own `kind` when it differs from `kind`. Like `record_movement`, it notes
    availability changes."""
    now = now_of(session)
    rows = []
    for movement in movements:
        on_hand = movement.get("on_hand", ZERO)
        allocated = movement.get("allocated", ZERO)
        rows.append(
            {
                "kind": movement.get("kind", kind),
                "product_id": movement["product_id"],
                "location_id": movement["location_id"],
                "on_hand_delta": on_hand,
                "allocated_delta": allocated,
                "picked_delta": movement.get("picked", ZERO),
                "reason": movement.get("reason", ""),
                "reference": movement.get("reference"),
                "sale_id": movement.get("sale_id"),
                "sale_line_id": movement.get("sale_line_id"),
                "credit_note_id": movement.get("credit_note_id"),
                "created_at": now,
            }
        )
        if on_hand != allocated:
            note_availability_change(
                session,
                product_id=movement["product_id"],
                location_id=movement["location_id"],
                delta=on_hand - allocated,
            )
    if rows:
        # Nothing reads these rows back as objects: one Core executemany serves them all.
        await session.execute(StockMovement.__table__.insert(), rows)
