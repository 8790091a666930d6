"""When orders are downloaded and consolidated: intervals, watermarks, local times (OR-1, PR-1)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from skuport.domain.inventory.sales.models import Invoice, Sale, SaleStatus
from skuport.domain.jobs import DailyAt, Every
from skuport.domain.orders.models import OrderWatermark
from skuport.domain.orders.scheduled import consolidation_targets, download_targets
from tests.e2e import test_orders_support as support
from tests.e2e.orders_processing_support import new_order
from tests.e2e.test_orders_support import count, log_rows

amazon, shop, load, scheduled = support.amazon, support.shop, support.load, support.scheduled


async def test_the_daily_job_runs_at_the_local_consolidation_time(shop, sessions):
    """PR-1: DAILY stores run at their own local time; the slot follows the zone (DST)."""
    store = await shop(
        "EU", consolidation="DAILY", consolidationTime="18:30:00", timezone="Europe/Berlin"
    )
    await shop("NA")  # NONE: no daily job
    async with sessions() as session:
        targets = await consolidation_targets(session)
    assert [t.key for t in targets] == [store.id]
    schedule = targets[0].schedule
    assert schedule == DailyAt(at=time(18, 30), timezone="Europe/Berlin")
    # 23:30 UTC is already tomorrow in Berlin in summer
    assert schedule.slot(datetime(2026, 7, 1, 22, 30, tzinfo=UTC)) == "daily-2026-07-02"
    assert schedule.slot(datetime(2026, 12, 1, 22, 30, tzinfo=UTC)) == "daily-2026-12-01"


async def test_scheduled_downloads_follow_a_watermark(
    gql, shop, amazon, scheduled, sessions, sandbox
):
    """OR-1: each run starts where the last ended, less an overlap; new orders are caught."""
    store = await shop("NA")
    first = await scheduled(store.id)
    async with sessions() as session:
        mark = await session.get(OrderWatermark, int(store.id))
    assert mark.updated_up_to == first.window_end
    order, _, _ = await new_order(amazon, store, sessions)
    second = await scheduled(store.id)
    assert second.window_start == first.window_end - timedelta(minutes=10)
    assert (await log_rows(gql, store.id, amazonOrderId=order["orderId"]))[0]["sale"]
    async with sessions() as session:
        invoices = list(await session.scalars(select(Invoice)))
    assert all(i.sale_id for i in invoices)
    assert await count(sessions, Sale) == len(await log_rows(gql, store.id))
    assert all(s.status is SaleStatus.ORDERED for s in await _sales(sessions))


async def _sales(sessions):
    async with sessions() as session:
        return list(await session.scalars(select(Sale)))


async def test_each_store_downloads_on_its_own_interval(shop, sessions):
    """OR-1: the download job runs per store every `orderDownloadMinutes` (default 15)."""
    first = await shop("NA")
    second = await shop("EU", orderDownloadMinutes=30)
    async with sessions() as session:
        targets = {t.key: t.schedule for t in await download_targets(session)}
    assert targets == {first.id: Every(15), second.id: Every(30)}
