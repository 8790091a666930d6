"""The needs-attention queue (BX-3) and notifications (OR-8): what went wrong, said once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.orders.events import NotificationPosted
from skuport.domain.orders.models import AttentionItem, Notification
from skuport.domain.unit_of_work import record


async def flag_order(
    session: AsyncSession,
    *,
    store_id: int,
    amazon_order_id: str,
    marketplace_id: str,
    stage: str,
    reason: str,
    detail: str,
    now: datetime,
) -> tuple[AttentionItem, bool]:
    """Queue an order for attention; returns the item and whether it is new (worth notifying)."""
    item = await session.scalar(
        select(AttentionItem).where(
            AttentionItem.store_id == store_id, AttentionItem.amazon_order_id == amazon_order_id
        )
    )
    if item is not None:
        new_reason = item.reason != reason
        item.stage, item.reason, item.detail = stage, reason, detail
        item.marketplace_id = marketplace_id or item.marketplace_id
        item.last_seen_at = now
        item.attempts += 1
        await session.flush()
        return item, new_reason
    item = AttentionItem(
        store_id=store_id,
        amazon_order_id=amazon_order_id,
        marketplace_id=marketplace_id,
        stage=stage,
        reason=reason,
        detail=detail,
        first_seen_at=now,
        last_seen_at=now,
        attempts=1,
    )
    # A savepoint: a concurrent run may queue the same order in the same instant.
    async with session.begin_nested():
        session.add(item)
    return item, True


async def clear_order(session: AsyncSession, *, store_id: int, amazon_order_id: str) -> None:
    """The order no longer needs attention (captured, processed or cancelled)."""
    await session.execute(
        delete(AttentionItem).where(
            AttentionItem.store_id == store_id, AttentionItem.amazon_order_id == amazon_order_id
        )
    )


async def post_notification(
    session: AsyncSession, *, store_id: int | None, kind: str, message: str, now: datetime
) -> Notification:
    """Save a notification; subscribers hear of it (BX-4) once the unit of work commits."""
    note = Notification(store_id=store_id, kind=kind, message=message, created_at=now)
    session.add(note)
    await session.flush()
    record(session, NotificationPosted(note.id, note.store_id, note.kind, note.message))
    return note


def notifications_query(*, unread_only: bool = False, store_id: int | None = None):  # type: ignore[no-untyped-def]
    """Notifications, for paging newest first."""
    statement = select(Notification)
    if unread_only:
        statement = statement.where(Notification.read_at.is_(None))
    if store_id is not None:
        statement = statement.where(Notification.store_id == store_id)
    return statement


async def mark_read(session: AsyncSession, *, ids: list[int] | None, now: datetime) -> int:
    """Mark notifications read (all unread ones when `ids` is None); returns how many."""
    statement = update(Notification).where(Notification.read_at.is_(None))
    if ids is not None:
        statement = statement.where(Notification.id.in_(ids))
    result = await session.execute(statement.values(read_at=now))
    return result.rowcount or 0  # type: ignore[attr-defined]
