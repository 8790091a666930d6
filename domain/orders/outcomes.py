"""What happened to an Amazon order, and how a problem is said: queued, notified, stock held."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.amazon.orders import FulfillmentStatus, Order
from skuport.domain.jobs import RunRecorder
from skuport.domain.orders.attention import flag_order, post_notification
from skuport.domain.orders.capture import QUIET, OrderSkipped, SkipReason
from skuport.domain.orders.models import OrderLogEntry
from skuport.domain.stock_sync.holds import hold_uncaptured
from skuport.domain.stores.models import Store


@dataclass(frozen=True)
class Outcome:
    """What happened to one Amazon order in a run."""

    kind: str  # captured, processed, skipped, cancelled, held, seen
    reason: str = ""
    detail: str = ""


def count(run: RunRecorder, order_id: str, outcome: Outcome) -> None:
    """Add one order's outcome to the run's counts (LG-4)."""
    if outcome.kind in ("captured", "processed"):
        run.processed += 1
        if outcome.reason:
            run.error(order_id, f"{outcome.reason}: {outcome.detail}")
    elif outcome.kind == "skipped":
        run.skip(order_id, f"{outcome.reason}: {outcome.detail}")
    elif outcome.kind == "cancelled":
        run.cancelled += 1


async def hold_seen(session: AsyncSession, *, store: Store, order: Order, now: datetime) -> None:
    """SY-3: an order seen but not captured still holds its units against the stock push."""
    items = [
        (item.seller_sku, Decimal(item.quantity_ordered))
        for item in order.items
        if item.seller_sku and item.quantity_ordered > 0
    ]
    if items and order.fulfilled_by != "AMAZON":
        await hold_uncaptured(
            session, store_id=store.id, amazon_order_id=order.order_id, items=items, now=now
        )


async def flag_and_notify(
    session: AsyncSession,
    *,
    store: Store,
    order_id: str,
    marketplace_id: str,
    stage: str,
    reason: SkipReason,
    detail: str,
    now: datetime,
) -> None:
    """Queue the order for attention; a new problem is also a notification (published once the
    unit of work commits)."""
    _, new = await flag_order(
        session,
        store_id=store.id,
        amazon_order_id=order_id,
        marketplace_id=marketplace_id,
        stage=stage,
        reason=reason.value,
        detail=detail,
        now=now,
    )
    if new:
        message = (
            f"{store.name}: Amazon order {order_id} needs attention — {reason.value}: {detail}"
        )
        await post_notification(
            session, store_id=store.id, kind=f"order_{stage}", message=message, now=now
        )


async def note_skip(
    session: AsyncSession,
    *,
    store: Store,
    order_id: str,
    order: Order | None,
    skip: OrderSkipped,
    now: datetime,
) -> Outcome:
    """OR-8/BX-3: say why in the attention queue and as a notification; keep its stock held."""
    if skip.reason in QUIET:
        return Outcome("skipped", skip.reason, skip.detail)
    stage = "cancellation" if skip.reason is SkipReason.CANCELLED_AFTER_PAYMENT else "capture"
    marketplace_id = order.marketplace_id or "" if order else ""
    await flag_and_notify(
        session,
        store=store,
        order_id=order_id,
        marketplace_id=marketplace_id,
        stage=stage,
        reason=skip.reason,
        detail=skip.detail,
        now=now,
    )
    captured = await session.scalar(
        select(OrderLogEntry.id).where(
            OrderLogEntry.store_id == store.id, OrderLogEntry.amazon_order_id == order_id
        )
    )
    if order is not None and captured is None and order.status is not FulfillmentStatus.CANCELLED:
        await hold_seen(session, store=store, order=order, now=now)
    return Outcome("skipped", skip.reason, skip.detail)
