"""What users ask of the order flow: process now (PR-1), retry (BX-3), delete, reload (LG)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.amazon.errors import MalformedPayloadError
from skuport.domain.amazon.orders import get_order
from skuport.domain.clock import Clock
from skuport.domain.errors import DomainError, NotFound
from skuport.domain.events import EventBus
from skuport.domain.inventory.events import publish_availability_changes
from skuport.domain.inventory.sales.models import SaleStatus
from skuport.domain.inventory.sales.service import get_sale
from skuport.domain.inventory.sales.voiding import void_sale
from skuport.domain.jobs import RunRecorder
from skuport.domain.orders.attention import announce, clear_order
from skuport.domain.orders.cancellation import drop_pending
from skuport.domain.orders.capture import OrderSkipped, SkipReason
from skuport.domain.orders.events import OrdersDownloaded
from skuport.domain.orders.models import (
    AttentionItem,
    LogState,
    Notification,
    OrderLogEntry,
    PendingOrder,
)
from skuport.domain.orders.processing import process_orders
from skuport.domain.orders.service import (
    Outcome,
    Sessions,
    flag_and_notify,
    handle_order,
    record_skip,
)
from skuport.domain.orders.source import INCLUDED
from skuport.domain.stores.models import Consolidation, Store
from skuport.domain.stores.service import get_store

log = logging.getLogger(__name__)


# --- processing on demand and at the consolidation time (PR-1) -------------------------------


async def process_pending_orders(
    *,
    sessions: Sessions,
    bus: EventBus,
    clock: Clock,
    store_id: int,
    run: RunRecorder | None = None,
) -> int:
    """Turn the store's pending orders into sales now; returns how many orders were processed."""
    async with sessions() as session:
        store = await get_store(session, store_id=store_id)
        ids = list(
            await session.scalars(
                select(PendingOrder.id)
                .where(PendingOrder.store_id == store_id)
                .order_by(PendingOrder.purchased_at, PendingOrder.id)
            )
        )
    batches = [ids] if store.settings.consolidation is Consolidation.DAILY else [[i] for i in ids]
    done = 0
    for batch in batches:
        if not batch:
            continue
        notes: list[Notification] = []
        now = clock.now()
        try:
            async with sessions() as session:
                async with session.begin():
                    pending = list(
                        await session.scalars(
                            select(PendingOrder).where(PendingOrder.id.in_(batch))
                        )
                    )
                    await process_orders(session, store=store, pending=pending, now=now)
                    for order in pending:
                        await clear_order(
                            session, store_id=store_id, amazon_order_id=order.amazon_order_id
                        )
                await publish_availability_changes(session, bus=bus)
            done += len(batch)
            if run is not None:
                run.processed += len(batch)
        except (DomainError, OrderSkipped) as exc:
            # The orders stay pending (stock allocated) and wait in the attention queue.
            detail = getattr(exc, "detail", None) or str(exc)
            async with sessions() as session, session.begin():
                for order in await session.scalars(
                    select(PendingOrder).where(PendingOrder.id.in_(batch))
                ):
                    await flag_and_notify(
                        session,
                        store=store,
                        order_id=order.amazon_order_id,
                        marketplace_id=order.marketplace_id,
                        stage="processing",
                        reason=SkipReason.PROCESSING_FAILED,
                        detail=detail,
                        now=now,
                        notes=notes,
                    )
                    if run is not None:
                        run.skip(order.amazon_order_id, f"processing_failed: {detail}")
        await announce(bus, notes)
    return done


# --- the attention queue, the log (BX-3, LG-2, LG-3) -----------------------------------------


async def retry_attention_item(
    *, sessions: Sessions, gateway: Any, bus: EventBus, clock: Clock, item_id: int
) -> Outcome:
    """BX-3: try a queued order again, as Amazon has it now."""
    async with sessions() as session:
        item = await session.get(AttentionItem, item_id)
        if item is None:
            raise NotFound("id", f"no attention item with id {item_id}")
        store = await get_store(session, store_id=item.store_id)
        pending = await session.scalar(
            select(PendingOrder.id).where(
                PendingOrder.store_id == item.store_id,
                PendingOrder.amazon_order_id == item.amazon_order_id,
            )
        )
    if item.stage == "processing" and pending is not None:
        processed = await _process_one(
            sessions, bus=bus, clock=clock, store=store, pending_id=pending
        )
        return processed
    try:
        order = await get_order(
            gateway.client_for(store), item.amazon_order_id, included_data=INCLUDED
        )
    except MalformedPayloadError as error:
        return await record_skip(
            sessions=sessions,
            bus=bus,
            store=store,
            order_id=item.amazon_order_id,
            order=None,
            skip=OrderSkipped(SkipReason.BAD_DATA, error.problem),
            now=clock.now(),
        )
    try:
        outcome = await handle_order(
            sessions=sessions, gateway=gateway, bus=bus, store=store, order=order, now=clock.now()
        )
    except Exception as exc:
        # The retry itself must not fail the request: the item stays queued with the reason.
        log.exception("retrying order %s failed", order.order_id)
        skip = OrderSkipped(SkipReason.UNEXPECTED_ERROR, f"{type(exc).__name__}: {exc}")
        outcome = await record_skip(
            sessions=sessions,
            bus=bus,
            store=store,
            order_id=order.order_id,
            order=order,
            skip=skip,
            now=clock.now(),
        )
    if outcome.kind == "skipped" and outcome.reason == SkipReason.ALREADY_CAPTURED:
        async with sessions() as session, session.begin():
            await clear_order(session, store_id=store.id, amazon_order_id=order.order_id)
    await bus.publish(OrdersDownloaded(store.id))
    return outcome


async def _process_one(
    sessions: Sessions, *, bus: EventBus, clock: Clock, store: Store, pending_id: int
) -> Outcome:
    notes: list[Notification] = []
    async with sessions() as session:
        pending = await session.get(PendingOrder, pending_id)
        assert pending is not None
        order_id = pending.amazon_order_id
    try:
        async with sessions() as session:
            async with session.begin():
                pending = await session.get(PendingOrder, pending_id)
                await process_orders(session, store=store, pending=[pending], now=clock.now())  # type: ignore[list-item]
                await clear_order(session, store_id=store.id, amazon_order_id=order_id)
            await publish_availability_changes(session, bus=bus)
    except (DomainError, OrderSkipped) as exc:
        detail = getattr(exc, "detail", None) or str(exc)
        async with sessions() as session, session.begin():
            await flag_and_notify(
                session,
                store=store,
                order_id=order_id,
                marketplace_id="",
                stage="processing",
                reason=SkipReason.PROCESSING_FAILED,
                detail=detail,
                now=clock.now(),
                notes=notes,
            )
        await announce(bus, notes)
        return Outcome("skipped", SkipReason.PROCESSING_FAILED, detail)
    return Outcome("processed")


def select_log_entries(
    *,
    store_id: int,
    state: LogState | None = None,
    amazon_order_id: str | None = None,
    marketplace_id: str | None = None,
) -> Select[tuple[OrderLogEntry]]:
    """LG-1: a store's log entries with the filters given, for paging by the caller."""
    statement = select(OrderLogEntry).where(OrderLogEntry.store_id == store_id)
    if state is not None:
        statement = statement.where(OrderLogEntry.state == state)
    if amazon_order_id:
        statement = statement.where(OrderLogEntry.amazon_order_id == amazon_order_id)
    if marketplace_id:
        statement = statement.where(OrderLogEntry.marketplace_id == marketplace_id)
    return statement


async def delete_log_entry(session: AsyncSession, *, entry_id: int) -> OrderLogEntry:
    """LG-2: forget the entry so the order can be captured again; its sale task stays."""
    entry = await session.get(OrderLogEntry, entry_id)
    if entry is None:
        raise NotFound("id", f"no log entry with id {entry_id}")
    if entry.state is LogState.PENDING:
        await drop_pending(session, entry=entry)  # its stock would otherwise stay allocated
    await session.delete(entry)
    await session.flush()
    return entry


async def prepare_reload(session: AsyncSession, *, store_id: int, amazon_order_id: str) -> datetime:
    """LG-3: void the sale task, delete the log entry; returns the date to load orders from."""
    entry = await session.scalar(
        select(OrderLogEntry).where(
            OrderLogEntry.store_id == store_id, OrderLogEntry.amazon_order_id == amazon_order_id
        )
    )
    if entry is None:
        raise NotFound("amazon_order_id", f"order {amazon_order_id} has no log entry")
    if entry.sale_id is not None:
        sale = await get_sale(session, sale_id=entry.sale_id)
        if sale.status is not SaleStatus.VOIDED:
            await void_sale(
                session, sale_id=sale.id, reason=f"Amazon order {amazon_order_id} reloaded"
            )
    elif entry.state is LogState.PENDING:
        await drop_pending(session, entry=entry)
    await clear_order(session, store_id=store_id, amazon_order_id=amazon_order_id)
    start = entry.purchased_at - timedelta(hours=1)
    await session.delete(entry)
    await session.flush()
    return start
