"""IN-8: a change of a product's available quantity at a location, published after commit.

How it works: every stock movement notes its effect on availability in the session
(`note_availability_change`). When the transaction commits, the notes move from "pending" to
"committed"; when it rolls back they are dropped. After the commit, the unit of work
(`domain.unit_of_work`) calls `publish_availability_changes(session, bus=bus)`, which reads
the current figures and publishes one `AvailabilityChanged` per product and location whose
availability moved.
Nothing is ever published for a change that was not committed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from skuport.domain.events import EventBus

PENDING = "inventory.availability.pending"
COMMITTED = "inventory.availability.committed"


@dataclass(frozen=True)
class AvailabilityChanged:
    """The available quantity of a product at a location is now `available`."""

    product_id: int
    location_id: int
    available: Decimal


def note_availability_change(
    session: AsyncSession, *, product_id: int, location_id: int, delta: Decimal
) -> None:
    """Remember that this transaction moved availability of a product at a location."""
    pending: dict[tuple[int, int], Decimal] = session.info.setdefault(PENDING, defaultdict(Decimal))
    pending[(product_id, location_id)] += delta


def committed_changes(session: AsyncSession) -> dict[tuple[int, int], Decimal]:
    """Net availability changes committed but not yet published, by (product, location)."""
    return dict(session.info.get(COMMITTED, {}))


async def publish_availability_changes(
    session: AsyncSession, *, bus: EventBus
) -> list[AvailabilityChanged]:
    """Publish the committed availability changes of this session (call after commit)."""
    from skuport.domain.inventory.stock.ledger import figures_for

    changes = session.info.pop(COMMITTED, {})
    pairs = sorted(pair for pair, delta in changes.items() if delta != 0)
    if not pairs:
        return []
    was_in_transaction = session.in_transaction()
    figures = await figures_for(session, pairs)
    if not was_in_transaction:
        # End the read we started, so the session does not sit in an open transaction.
        await session.commit()
    published = [
        AvailabilityChanged(product_id=p, location_id=loc, available=figures[(p, loc)].available)
        for p, loc in pairs
    ]
    for change in published:
        await bus.publish(change)
    return published


@event.listens_for(Session, "after_commit")
def _promote_on_commit(session: Session) -> None:
    pending: dict[tuple[int, int], Decimal] | None = session.info.pop(PENDING, None)
    if not pending:
        return
    committed: dict[tuple[int, int], Decimal] = session.info.setdefault(
        COMMITTED, defaultdict(Decimal)
    )
    for pair, delta in pending.items():
        committed[pair] += delta


@event.listens_for(Session, "after_rollback")
def _forget_on_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


__all__: list[Any] = [
    "AvailabilityChanged",
    "committed_changes",
    "note_availability_change",
    "publish_availability_changes",
]
