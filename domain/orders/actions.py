"""What users ask of the order flow: process now (PR-1), retry (BX-3), delete, reload (LG)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.amazon.errors import MalformedPayloadError
from skuport.domain.amazon.orders import get_order
from skuport.domain.errors import DomainError, NotFound
from skuport.domain.inventory.sales.models import SaleStatus
from skuport.domain.inventory.sales.service import get_sale
from skuport.domain.inventory.sales.voiding import void_sale
from skuport.domain.jobs import RunRecorder
from skuport.domain.orders.attention import clear_order
from skuport.domain.orders.cancellation import drop_pending
from skuport.domain.orders.capture import OrderSkipped, SkipReason
from skuport.domain.orders.events import OrdersDownloaded
from skuport.domain.orders.models import (
    AttentionItem,
    LogState,
    OrderLogEntry,
    PendingOrder,
)
from skuport.domain.orders.outcomes import Outcome, flag_and_notify
from skuport.domain.orders.processing import make_sales
from skuport.domain.orders.service import handle_order, record_skip
from skuport.domain.orders.source import INCLUDED
from skuport.domain.stores.models import Consolidation, Store
from skuport.domain.stores.service import get_store
from skuport.domain.unit_of_work import UnitsOfWork

log = logging.getLogger(__name__)


# --- processing on demand and at the consolidation time (PR-1) -------------------------------


async def sell_pending_orders(
    *, units: UnitsOfWork, store_id: int, run: RunRecorder | None = None
) -> int:
    """Turn the store's pending orders into sales now; returns how many orders were processed."""
    async with units.reading() as session:
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
        try:
            async with units() as uow:
                pending = list(
                    await uow.session.scalars(
                        select(PendingOrder).where(PendingOrder.id.in_(batch))
                    )
                )
                await make_sales(uow.session, store=store, pending=pending, now=uow.now())
                for order in pending:
                    await clear_order(
                        uow.session, store_id=store_id, amazon_order_id=order.amazon_order_id
                    )
            done += len(batch)
            if run is not None:
                run.processed += len(batch)
        except (DomainError, OrderSkipped) as exc:
            # The orders stay pending (stock allocated) and wait in the attention queue.
            await _flag_unprocessed(units, store=store, batch=batch, exc=exc, run=run)
    return done


async def _flag_unprocessed(
    units: UnitsOfWork,
    *,
    store: Store,
    batch: list[int],
    exc: DomainError | OrderSkipped,
    run: RunRecorder | None,
) -> None:
    detail = getattr(exc, "detail", None) or str(exc)
    async with units() as uow:
        for order in await uow.session.scalars(
            select(PendingOrder).where(PendingOrder.id.in_(batch))
        ):
            await flag_and_notify(
                uow.session,
                store=store,
                order_id=order.amazon_order_id,
                marketplace_id=order.marketplace_id,
                stage="processing",
                reason=SkipReason.PROCESSING_FAILED,
                detail=detail,
                now=uow.now(),
            )
            if run is not None:
                run.skip(order.amazon_order_id, f"processing_failed: {detail}")


# --- the attention queue, the log (BX-3, LG-2, LG-3) -----------------------------------------


async def retry_attention_item(*, units: UnitsOfWork, gateway: Any, item_id: int) -> Outcome:
    """BX-3: try a queued order again, as Amazon has it now (asked with no transaction open)."""
    async with units.reading() as session:
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
        return await _sell_one_pending(units, store=store, pending_id=pending)
    try:
        order = await get_order(
            gateway.client_for(store), item.amazon_order_id, included_data=INCLUDED
        )
    except MalformedPayloadError as error:
        skip = OrderSkipped(SkipReason.BAD_DATA, error.problem)
        return await record_skip(
            units=units, store=store, order_id=item.amazon_order_id, order=None, skip=skip
        )
    try:
        outcome = await handle_order(units=units, gateway=gateway, store=store, order=order)
    except Exception as exc:
        # The retry itself must not fail the request: the item stays queued with the reason.
        log.exception("retrying order %s failed", order.order_id)
        skip = OrderSkipped(SkipReason.UNEXPECTED_ERROR, f"{type(exc).__name__}: {exc}")
        outcome = await record_skip(
            units=units, store=store, order_id=order.order_id, order=order, skip=skip
        )
    async with units() as uow:
        if outcome.kind == "skipped" and outcome.reason == SkipReason.ALREADY_CAPTURED:
            await clear_order(uow.session, store_id=store.id, amazon_order_id=order.order_id)
        uow.record(OrdersDownloaded(store.id))
    return outcome


async def _sell_one_pending(units: UnitsOfWork, *, store: Store, pending_id: int) -> Outcome:
    async with units.reading() as session:
        pending = await session.get(PendingOrder, pending_id)
        assert pending is not None
        order_id = pending.amazon_order_id
    try:
        async with units() as uow:
            pending = await uow.session.get(PendingOrder, pending_id)
            await make_sales(uow.session, store=store, pending=[pending], now=uow.now())  # type: ignore[list-item]
            await clear_order(uow.session, store_id=store.id, amazon_order_id=order_id)
    except (DomainError, OrderSkipped) as exc:
        detail = getattr(exc, "detail", None) or str(exc)
        async with units() as uow:
            await flag_and_notify(
                uow.session,
                store=store,
                order_id=order_id,
                marketplace_id="",
                stage="processing",
                reason=SkipReason.PROCESSING_FAILED,
                detail=detail,
                now=uow.now(),
            )
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
