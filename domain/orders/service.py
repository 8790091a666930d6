"""The order flow's stories: download a window (OR-1 … OR-9), process, retry, delete, reload."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from skuport.domain.amazon.catalog_items import CatalogItem, get_catalog_item
from skuport.domain.amazon.errors import AmazonError, MalformedPayloadError
from skuport.domain.amazon.orders import FulfillmentStatus, Order, OrderItem, get_order
from skuport.domain.clock import Clock
from skuport.domain.errors import DomainError
from skuport.domain.events import EventBus
from skuport.domain.inventory.events import publish_availability_changes
from skuport.domain.jobs import RunRecorder
from skuport.domain.orders.attention import (
    announce,
    clear_order,
    flag_order,
    post_notification,
)
from skuport.domain.orders.bulk import capture_and_process
from skuport.domain.orders.cancellation import cancel_captured
from skuport.domain.orders.capture import (
    CAPTURED_WHEN,
    QUIET,
    OrderSkipped,
    SkipReason,
    capture_order,
    needs_fetching,
    reserve_pending,
)
from skuport.domain.orders.events import OrdersDownloaded
from skuport.domain.orders.models import (
    LogState,
    Notification,
    OrderLogEntry,
    OrderWatermark,
)
from skuport.domain.orders.processing import apply_late_payment, process_orders
from skuport.domain.orders.source import (
    INCLUDED,
    NEWEST_ALLOWED,
    REPORT_ROUTE_AFTER,
    Fetched,
    report_window,
    search_window,
)
from skuport.domain.stock_sync.holds import hold_uncaptured, release_uncaptured
from skuport.domain.stores.models import Consolidation, MatchProducts, Store
from skuport.domain.stores.service import get_store

log = logging.getLogger(__name__)

# Amazon may stamp an order's last-updated time a little after the change became visible, and
# two servers' clocks differ: every window starts this much before the last one ended (OR-1).
OVERLAP = timedelta(minutes=10)
FIRST_LOOK_BACK = timedelta(days=1)
# Orders applied per transaction (each in its own savepoint).
BATCH = 100
Sessions = async_sessionmaker[AsyncSession]


@dataclass(frozen=True)
class Outcome:
    """What happened to one Amazon order in a run."""

    kind: str  # captured, processed, skipped, cancelled, held, seen
    reason: str = ""
    detail: str = ""


async def download_orders(
    *,
    sessions: Sessions,
    gateway: Any,
    clock: Clock,
    bus: EventBus,
    store_id: int,
    run: RunRecorder,
    start: datetime | None = None,
    end: datetime | None = None,
    route: str | None = None,
) -> None:
    """OR-1: read a window of changed orders and apply each; scheduled runs move the watermark."""
    async with sessions() as session:
        store = await get_store(session, store_id=store_id)
        watermark = await session.get(OrderWatermark, store_id)
    now = clock.now()
    newest = now - NEWEST_ALLOWED
    if start is None:
        after = watermark.updated_up_to - OVERLAP if watermark else now - FIRST_LOOK_BACK
        before = newest
    else:
        after, before = start, min(end or newest, newest)
    run.window_start, run.window_end = after, before
    marketplaces = [m.marketplace_id for m in store.marketplaces if m.enabled]
    if before <= after or not marketplaces:
        await run.progress("nothing to download")
        return
    client = gateway.client_for(store)
    use_report = route == "report" or (route != "search" and before - after > REPORT_ROUTE_AFTER)
    if use_report:
        fetched = await report_window(
            client, marketplace_ids=marketplaces, after=after, before=before, sleep=gateway.sleep
        )
    else:
        fetched = await search_window(
            client, marketplace_ids=marketplaces, after=after, before=before
        )
    if fetched.route == "report":
        await _complete_from_amazon(sessions, client, store=store, fetched=fetched)
    await run.progress(f"{len(fetched.orders) + len(fetched.bad)} orders from {fetched.route}")
    await apply_fetched(
        sessions=sessions,
        gateway=gateway,
        clock=clock,
        bus=bus,
        store=store,
        fetched=fetched,
        run=run,
    )
    if start is None and fetched.updated_before is not None:
        await _move_watermark(sessions, store_id=store_id, to=fetched.updated_before)
    run.message = (
        f"{run.processed} captured, {run.skipped} skipped, {run.cancelled} cancelled "
        f"({fetched.route})"
    )
    # OR-10: the stock push listens for this and sends the new quantities everywhere.
    await bus.publish(OrdersDownloaded(store_id))


# Orders still to be shipped need the street address and buyer the report lacks; getOrder has
# its own bucket (0.5/s, burst 30), so a backlog of unshipped orders costs minutes, not hours.
TO_SHIP = frozenset({FulfillmentStatus.UNSHIPPED, FulfillmentStatus.PARTIALLY_SHIPPED})


async def _complete_from_amazon(
    sessions: Sessions, client: Any, *, store: Store, fetched: Fetched
) -> None:
    """Replace report rows of new, unshipped orders by the full order (BX-2's report route)."""
    wanted = CAPTURED_WHEN[store.settings.load_orders_when] & TO_SHIP
    candidates = [o.order_id for o in fetched.orders if o.status in wanted]
    if not candidates:
        return
    async with sessions() as session:
        known = set(
            await session.scalars(
                select(OrderLogEntry.amazon_order_id).where(
                    OrderLogEntry.store_id == store.id,
                    OrderLogEntry.amazon_order_id.in_(candidates),
                )
            )
        )
    for index, order in enumerate(fetched.orders):
        if order.order_id not in candidates or order.order_id in known:
            continue
        try:
            fetched.orders[index] = await get_order(client, order.order_id, included_data=INCLUDED)
        except MalformedPayloadError:
            continue  # the report's version is still good enough to capture
        except AmazonError:
            log.warning("order %s kept as the report has it", order.order_id)


async def apply_fetched(
    *,
    sessions: Sessions,
    gateway: Any,
    clock: Clock,
    bus: EventBus,
    store: Store,
    fetched: Fetched,
    run: RunRecorder,
) -> None:
    """Apply the fetched orders in batches, counting what happened to each."""
    for bad in fetched.bad:
        outcome = await record_skip(
            sessions=sessions,
            bus=bus,
            store=store,
            order_id=bad.order_id,
            order=None,
            skip=OrderSkipped(SkipReason.BAD_DATA, bad.problem),
            now=clock.now(),
        )
        _count(run, bad.order_id, outcome)
    # One order for every run: two runs meeting on the same orders queue rather than deadlock.
    orders = sorted(fetched.orders, key=lambda o: (o.last_updated, o.order_id))
    for start in range(0, len(orders), BATCH):
        chunk = orders[start : start + BATCH]
        try:
            outcomes = await _apply_batch(
                sessions=sessions, gateway=gateway, clock=clock, bus=bus, store=store, orders=chunk
            )
        except Exception:
            # Something the per-order savepoints could not contain (a lost connection, a
            # deadlock): nothing of the batch was kept, so apply it again order by order.
            log.exception("a batch of orders of store %s failed; retrying one by one", store.id)
            outcomes = [await _apply_alone(sessions, gateway, clock, bus, store, o) for o in chunk]
        for order, outcome in zip(chunk, outcomes, strict=True):
            _count(run, order.order_id, outcome)
        await run.progress(f"{start + len(chunk)} of {len(orders)} orders applied")


async def _apply_alone(
    sessions: Sessions, gateway: Any, clock: Clock, bus: EventBus, store: Store, order: Order
) -> Outcome:
    try:
        return await handle_order(
            sessions=sessions, gateway=gateway, bus=bus, store=store, order=order, now=clock.now()
        )
    except Exception as exc:
        # One bad order never stops the run (OR-8): it waits in the attention queue.
        log.exception("order %s of store %s failed", order.order_id, store.id)
        skip = OrderSkipped(SkipReason.UNEXPECTED_ERROR, f"{type(exc).__name__}: {exc}")
        return await record_skip(
            sessions=sessions,
            bus=bus,
            store=store,
            order_id=order.order_id,
            order=order,
            skip=skip,
            now=clock.now(),
        )


async def _apply_batch(
    *,
    sessions: Sessions,
    gateway: Any,
    clock: Clock,
    bus: EventBus,
    store: Store,
    orders: list[Order],
) -> list[Outcome]:
    """Apply orders in one transaction, each in a savepoint: one commit and one stock event
    round per batch instead of per order, and still one bad order spoils nothing else."""
    capturable = CAPTURED_WHEN[store.settings.load_orders_when]
    fetched = await _fetch_products_of(
        sessions, gateway, store, [o for o in orders if o.status in capturable]
    )
    notes: list[Notification] = []
    outcomes: list[Outcome] = []
    async with sessions() as session:
        async with session.begin():
            # The common case, the whole batch at once; the rest one by one below.
            done = await capture_and_process(session, store=store, orders=orders, now=clock.now())
            for order in orders:
                if order.order_id in done:
                    outcomes.append(Outcome("processed"))
                    continue
                now = clock.now()
                try:
                    async with session.begin_nested():
                        outcome = await _apply(
                            session,
                            store=store,
                            order=order,
                            now=now,
                            fetched=fetched.get(order.order_id, {}),
                            notes=notes,
                        )
                except OrderSkipped as skip:
                    outcome = await note_skip(
                        session,
                        store=store,
                        order_id=order.order_id,
                        order=order,
                        skip=skip,
                        now=now,
                        notes=notes,
                    )
                outcomes.append(outcome)
        await publish_availability_changes(session, bus=bus)
    await announce(bus, notes)
    return outcomes


def _count(run: RunRecorder, order_id: str, outcome: Outcome) -> None:
    if outcome.kind in ("captured", "processed"):
        run.processed += 1
        if outcome.reason:
            run.error(order_id, f"{outcome.reason}: {outcome.detail}")
    elif outcome.kind == "skipped":
        run.skip(order_id, f"{outcome.reason}: {outcome.detail}")
    elif outcome.kind == "cancelled":
        run.cancelled += 1


async def _move_watermark(sessions: Sessions, *, store_id: int, to: datetime) -> None:
    for _ in range(2):
        try:
            async with sessions() as session, session.begin():
                mark = await session.get(OrderWatermark, store_id)
                if mark is None:
                    session.add(OrderWatermark(store_id=store_id, updated_up_to=to))
                elif mark.updated_up_to < to:
                    mark.updated_up_to = to
            return
        except IntegrityError:
            continue  # another server saved the first watermark in the same instant


async def _fetch_products(
    sessions: Sessions, gateway: Any, store: Store, order: Order
) -> dict[str, CatalogItem | None]:
    """OR-5's third step, before any transaction: Amazon's details of SKUs we do not know."""
    found = await _fetch_products_of(sessions, gateway, store, [order])
    return found.get(order.order_id, {})


async def _fetch_products_of(
    sessions: Sessions, gateway: Any, store: Store, orders: list[Order]
) -> dict[str, dict[str, CatalogItem | None]]:
    """`_fetch_products` for many orders, by Amazon order id; two queries for all of them."""
    settings = store.settings
    if settings.match_products is MatchProducts.MANUAL or not settings.create_product_if_not_found:
        return {}
    if not orders:
        return {}
    async with sessions() as session:
        wanted = await needs_fetching(session, store=store, orders=orders)
    return {
        order_id: await _ask_amazon(gateway, store, order, items)
        for order_id, (order, items) in wanted.items()
    }


async def _ask_amazon(
    gateway: Any, store: Store, order: Order, wanted: list[OrderItem]
) -> dict[str, CatalogItem | None]:
    found: dict[str, CatalogItem | None] = {}
    client = gateway.client_for(store)
    for item in wanted:
        try:
            found[item.seller_sku or ""] = await get_catalog_item(
                client, item.asin or "", marketplace_id=order.marketplace_id or ""
            )
        except AmazonError:
            found[item.seller_sku or ""] = None  # gone from Amazon too: a service line
    return found


async def handle_order(
    *,
    sessions: Sessions,
    gateway: Any,
    bus: EventBus,
    store: Store,
    order: Order,
    now: datetime,
) -> Outcome:
    """Apply one Amazon order: capture (and process), cancel, hold or skip it."""
    fetched: Mapping[str, CatalogItem | None] = {}
    if order.status in CAPTURED_WHEN[store.settings.load_orders_when]:
        fetched = await _fetch_products(sessions, gateway, store, order)
    notes: list[Notification] = []
    try:
        async with sessions() as session:
            async with session.begin():
                outcome = await _apply(
                    session, store=store, order=order, now=now, fetched=fetched, notes=notes
                )
            await publish_availability_changes(session, bus=bus)
    except OrderSkipped as skip:
        return await record_skip(
            sessions=sessions,
            bus=bus,
            store=store,
            order_id=order.order_id,
            order=order,
            skip=skip,
            now=now,
        )
    await announce(bus, notes)
    return outcome


async def _apply(
    session: AsyncSession,
    *,
    store: Store,
    order: Order,
    now: datetime,
    fetched: Mapping[str, CatalogItem | None],
    notes: list[Notification],
) -> Outcome:
    entry = await session.scalar(
        select(OrderLogEntry).where(
            OrderLogEntry.store_id == store.id, OrderLogEntry.amazon_order_id == order.order_id
        )
    )
    status = order.status
    if status is FulfillmentStatus.CANCELLED:
        await release_uncaptured(session, store_id=store.id, amazon_order_id=order.order_id)
        await clear_order(session, store_id=store.id, amazon_order_id=order.order_id)
        if entry is None:
            return Outcome("cancelled", detail="cancelled before capture")
        if entry.state in (LogState.CANCELLED, LogState.VOIDED):
            return Outcome("seen")
        how = await cancel_captured(session, store=store, entry=entry)
        entry.amazon_status, entry.amazon_updated_at = status.value, order.last_updated
        return Outcome("cancelled", detail=how)
    if entry is not None:
        if status is not None:
            entry.amazon_status = status.value
        entry.amazon_updated_at = max(entry.amazon_updated_at, order.last_updated)
        if (
            order.grand_total is not None
            and status in CAPTURED_WHEN[store.settings.load_orders_when]
        ):
            await apply_late_payment(
                session, store=store, entry=entry, amount=order.grand_total.amount, now=now
            )
        return Outcome("skipped", SkipReason.ALREADY_CAPTURED, "the order has a log entry")
    if status is FulfillmentStatus.UNFULFILLABLE:
        raise OrderSkipped(SkipReason.UNFULFILLABLE, "Amazon says the order cannot be fulfilled")
    if status not in CAPTURED_WHEN[store.settings.load_orders_when]:
        # Seen, not captured yet (OR-2): the stock push still subtracts its units (SY-3).
        await _hold(session, store=store, order=order, now=now)
        return Outcome("held", detail=f"{status} orders are not captured")
    at_once = store.settings.consolidation is Consolidation.NONE
    pending = await capture_order(
        session, store=store, order=order, now=now, fetched=fetched, reserve=not at_once
    )
    await clear_order(session, store_id=store.id, amazon_order_id=order.order_id)
    if not at_once:
        return Outcome("captured")
    try:
        async with session.begin_nested():
            await process_orders(session, store=store, pending=[pending], now=now)
    except (DomainError, OrderSkipped) as exc:
        # Captured; allocated now, and processing waits in the attention queue until retried.
        await session.refresh(pending)
        await reserve_pending(session, pending=pending)
        detail = getattr(exc, "detail", None) or str(exc)
        await flag_and_notify(
            session,
            store=store,
            order_id=order.order_id,
            marketplace_id=order.marketplace_id or "",
            stage="processing",
            reason=SkipReason.PROCESSING_FAILED,
            detail=detail,
            now=now,
            notes=notes,
        )
        return Outcome("captured", SkipReason.PROCESSING_FAILED, detail)
    return Outcome("processed")


async def _hold(session: AsyncSession, *, store: Store, order: Order, now: datetime) -> None:
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
    notes: list[Notification],
) -> None:
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
        notes.append(
            await post_notification(
                session, store_id=store.id, kind=f"order_{stage}", message=message, now=now
            )
        )


async def note_skip(
    session: AsyncSession,
    *,
    store: Store,
    order_id: str,
    order: Order | None,
    skip: OrderSkipped,
    now: datetime,
    notes: list[Notification],
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
        notes=notes,
    )
    captured = await session.scalar(
        select(OrderLogEntry.id).where(
            OrderLogEntry.store_id == store.id, OrderLogEntry.amazon_order_id == order_id
        )
    )
    if order is not None and captured is None and order.status is not FulfillmentStatus.CANCELLED:
        await _hold(session, store=store, order=order, now=now)
    return Outcome("skipped", skip.reason, skip.detail)


async def record_skip(
    *,
    sessions: Sessions,
    bus: EventBus,
    store: Store,
    order_id: str,
    order: Order | None,
    skip: OrderSkipped,
    now: datetime,
) -> Outcome:
    """`note_skip` in a transaction of its own."""
    notes: list[Notification] = []
    async with sessions() as session, session.begin():
        outcome = await note_skip(
            session, store=store, order_id=order_id, order=order, skip=skip, now=now, notes=notes
        )
    await announce(bus, notes)
    return outcome
