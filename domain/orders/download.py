"""OR-1: download a window of changed orders from Amazon and apply them; move the watermark."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.amazon.errors import AmazonError, MalformedPayloadError, ThrottledError
from skuport.domain.amazon.orders import FulfillmentStatus, get_order
from skuport.domain.errors import InvalidValue
from skuport.domain.jobs import RunRecorder
from skuport.domain.orders.capture import CAPTURED_WHEN
from skuport.domain.orders.events import OrdersDownloaded
from skuport.domain.orders.models import OrderLogEntry, OrderWatermark
from skuport.domain.orders.service import apply_fetched
from skuport.domain.orders.source import (
    INCLUDED,
    NEWEST_ALLOWED,
    REPORT_ROUTE_AFTER,
    Fetched,
    report_window,
    search_pages,
)
from skuport.domain.stores.models import Store
from skuport.domain.stores.service import get_store
from skuport.domain.unit_of_work import UnitsOfWork

log = logging.getLogger(__name__)

# Amazon may stamp an order's last-updated time a little after the change became visible, and
# two servers' clocks differ: every window starts this much before the last one ended (OR-1).
OVERLAP = timedelta(minutes=10)
FIRST_LOOK_BACK = timedelta(days=1)
# Orders still to be shipped need the street address and buyer the report lacks; getOrder has
# its own bucket (0.5/s, burst 30), so a backlog of unshipped orders costs minutes, not hours.
TO_SHIP = frozenset({FulfillmentStatus.UNSHIPPED, FulfillmentStatus.PARTIALLY_SHIPPED})


def check_load_range(*, start: datetime, end: datetime | None, now: datetime) -> None:
    """Refuse a range with nothing Amazon can give yet, by the server's clock (OR-1).

    Amazon gives orders last updated up to two minutes ago. A range starting after that has
    nothing to load; a range may end later than now only within today (a load "to the end of
    today" reads up to now), since a later end means the two clocks disagree.
    """
    newest = now - NEWEST_ALLOWED
    if start >= newest:
        raise InvalidValue(
            "start",
            f"the range starts at {start:%Y-%m-%d %H:%M} UTC, but the server's clock says "
            f"{now:%Y-%m-%d %H:%M} UTC and Amazon has orders only up to two minutes ago: "
            "there is nothing to load yet",
        )
    end_of_today = datetime.combine(now.date() + timedelta(days=1), time(), tzinfo=UTC)
    if end is not None and end > end_of_today:
        raise InvalidValue(
            "end",
            f"the range ends at {end:%Y-%m-%d %H:%M} UTC, after today on the server's clock "
            f"({now:%Y-%m-%d %H:%M} UTC): orders can be loaded up to now at the latest",
        )


async def download_orders(
    *,
    units: UnitsOfWork,
    gateway: Any,
    store_id: int,
    run: RunRecorder,
    start: datetime | None = None,
    end: datetime | None = None,
    route: str | None = None,
) -> None:
    """OR-1: read a window of changed orders and apply each; scheduled runs move the watermark.

    Amazon is read with no transaction open; the orders are then applied in short units of work.
    """
    async with units.reading() as session:
        store = await get_store(session, store_id=store_id)
        watermark = await session.get(OrderWatermark, store_id)
    now = units.now()
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
    window = Window(after, before)
    try:
        route, reached = await _read_and_apply(
            units, gateway, store=store, marketplaces=marketplaces, window=window, run=run,
            route=route,
        )  # fmt: skip
    except AmazonError as exc:
        await _stopped(units, store_id=store_id, run=run, window=window, load=start is not None)
        run.message = _stopped_message(exc, run, window)
        raise
    run.message = (
        f"{run.processed} captured, {run.skipped} skipped, {run.cancelled} cancelled ({route})"
    )
    async with units() as uow:
        if start is None and reached is not None:
            await _move_watermark(uow.session, store_id=store_id, to=reached)
        # OR-10: the stock push listens for this and sends the new quantities everywhere.
        uow.record(OrdersDownloaded(store_id))


@dataclass(frozen=True)
class Window:
    """Orders last updated in [after, before]."""

    after: datetime
    before: datetime


async def _read_and_apply(
    units: UnitsOfWork,
    gateway: Any,
    *,
    store: Store,
    marketplaces: list[str],
    window: Window,
    run: RunRecorder,
    route: str | None,
) -> tuple[str, datetime | None]:
    """Read the window and apply it: searchOrders page by page as each page arrives (so a
    throttled page keeps what came before), or the orders report at once. Returns the route
    and where the window really ended."""
    client = gateway.client_for(store)
    after, before = window.after, window.before
    use_report = route == "report" or (route != "search" and before - after > REPORT_ROUTE_AFTER)
    if use_report:
        fetched = await report_window(
            client, marketplace_ids=marketplaces, after=after, before=before, sleep=gateway.sleep
        )
        if fetched.route == "report":
            await _complete_from_amazon(units, client, store=store, fetched=fetched)
        run.expect(len(fetched.orders) + len(fetched.bad))
        await run.progress(f"{len(fetched.orders) + len(fetched.bad)} orders from {fetched.route}")
        await apply_fetched(units=units, gateway=gateway, store=store, fetched=fetched, run=run)
        return fetched.route, fetched.updated_before
    reached = None
    pages = search_pages(client, marketplace_ids=marketplaces, after=after, before=before)
    async for number, page in _numbered(pages):
        await apply_fetched(units=units, gateway=gateway, store=store, fetched=page, run=run)
        await run.progress(f"page {number} applied: {run.processed} orders captured so far")
        reached = page.updated_before
    return "searchOrders", reached


async def _numbered(pages: AsyncIterator[Fetched]) -> AsyncIterator[tuple[int, Fetched]]:
    number = 0
    async for page in pages:
        number += 1
        yield number, page


async def _stopped(
    units: UnitsOfWork, *, store_id: int, run: RunRecorder, window: Window, load: bool
) -> None:
    """A run Amazon stopped keeps what it applied; the next scheduled download reads the
    window again (a scheduled run never moved the watermark; a load moves it back)."""
    async with units() as uow:
        if load:
            await _resume_from(uow.session, store_id=store_id, after=window.after)
        if run.processed or run.cancelled:
            uow.record(OrdersDownloaded(store_id))


def _stopped_message(exc: AmazonError, run: RunRecorder, window: Window) -> str:
    why = (
        "Amazon kept asking us to slow down for more than an hour"
        if isinstance(exc, ThrottledError)
        else f"Amazon could not be read ({exc})"
    )
    return (
        f"Stopped: {why}. The {run.processed} orders captured so far are kept. The orders "
        f"last updated from {window.after:%Y-%m-%d %H:%M} to {window.before:%Y-%m-%d %H:%M} "
        "UTC are read again by the next scheduled download; nothing needs to be done."
    )


async def _complete_from_amazon(
    units: UnitsOfWork, client: Any, *, store: Store, fetched: Fetched
) -> None:
    """Replace report rows of new, unshipped orders by the full order (BX-2's report route)."""
    wanted = CAPTURED_WHEN[store.settings.load_orders_when] & TO_SHIP
    candidates = [o.order_id for o in fetched.orders if o.status in wanted]
    if not candidates:
        return
    async with units.reading() as session:
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


async def _resume_from(session: AsyncSession, *, store_id: int, after: datetime) -> None:
    """Let the next scheduled download start its window at `after` (never later than now)."""
    mark = await session.get(OrderWatermark, store_id)
    resume = after + OVERLAP  # each window starts OVERLAP before the watermark
    if mark is None:
        session.add(OrderWatermark(store_id=store_id, updated_up_to=resume))
    elif mark.updated_up_to > resume:
        mark.updated_up_to = resume


async def _move_watermark(session: AsyncSession, *, store_id: int, to: datetime) -> None:
    for _ in range(2):
        try:
            async with session.begin_nested():
                mark = await session.get(OrderWatermark, store_id)
                if mark is None:
                    session.add(OrderWatermark(store_id=store_id, updated_up_to=to))
                elif mark.updated_up_to < to:
                    mark.updated_up_to = to
            return
        except IntegrityError:
            continue  # another server saved the first watermark in the same instant
