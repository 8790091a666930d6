"""The order jobs: download per store on its interval (OR-1), daily processing (PR-1), loads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.jobs import DailyAt, Every, JobContext, JobSpec, JobTarget
from skuport.domain.orders.actions import sell_pending_orders
from skuport.domain.orders.download import download_orders
from skuport.domain.stores.models import Consolidation, Store, StoreStatus

# The scheduled download and the loads of a date range apply a store's orders one run at a
# time, on every server (jobs/claims.py).
DOWNLOAD_GROUP = "orders_download"


async def download_targets(session: AsyncSession) -> list[JobTarget]:
    """One target per connected store, every `order_download_minutes` (default 15)."""
    stores = await session.scalars(
        select(Store).where(Store.status == StoreStatus.CONNECTED).order_by(Store.id)
    )
    return [
        JobTarget(
            key=str(store.id),
            label=store.name,
            schedule=Every(store.settings.order_download_minutes),
        )
        for store in stores
    ]


async def consolidation_targets(session: AsyncSession) -> list[JobTarget]:
    """Stores with DAILY consolidation, at their local consolidation time (DST by the zone)."""
    stores = await session.scalars(select(Store).order_by(Store.id))
    return [
        JobTarget(
            key=str(store.id),
            label=store.name,
            schedule=DailyAt(
                at=store.settings.consolidation_time, timezone=store.settings.timezone
            ),
        )
        for store in stores
        if store.settings.consolidation is Consolidation.DAILY
    ]


async def run_download(context: JobContext) -> None:
    """Download the target store's changed orders since its watermark."""
    assert context.target is not None
    await download_orders(
        units=context.units,
        gateway=context.services["amazon"],
        store_id=int(context.target.key),
        run=context.run,
    )


async def run_consolidation(context: JobContext) -> None:
    """Process the target store's pending orders into the day's sale (PR-1, DAILY)."""
    assert context.target is not None
    done = await sell_pending_orders(
        units=context.units,
        store_id=int(context.target.key),
        run=context.run,
    )
    context.run.message = f"{done} pending orders processed"


ORDERS_DOWNLOAD = JobSpec(
    name="orders_download",
    # OR-1
    description="Download the store's new and changed Amazon orders (on the store's own interval)",
    run=run_download,
    targets=download_targets,
    one_at_a_time=DOWNLOAD_GROUP,
    doing="the order download",
)
ORDERS_CONSOLIDATION = JobSpec(
    name="orders_daily_processing",
    # PR-1
    description="Process the day's pending orders into one sale (daily consolidation)",
    run=run_consolidation,
    targets=consolidation_targets,
)


async def _every_store(session: AsyncSession) -> list[JobTarget]:
    stores = await session.scalars(select(Store).order_by(Store.id))
    return [JobTarget(key=str(s.id), label=s.name, schedule=Every(60)) for s in stores]


ORDERS_PROCESS_NOW = JobSpec(
    name="orders_process",
    # PR-1
    description='Process the store\'s pending orders now ("Process")',
    run=run_consolidation,
    targets=_every_store,
)


def load_job(*, start: datetime, end: datetime | None, route: str | None) -> JobSpec:
    """OR-1's on-demand load of a date range, as a run of its own."""

    async def run_load(context: JobContext) -> None:
        assert context.target is not None
        await download_orders(
            units=context.units,
            gateway=context.services["amazon"],
            store_id=int(context.target.key),
            run=context.run,
            start=start,
            end=end,
            route=route,
        )

    return JobSpec(
        name="orders_load",
        # OR-1
        description="Load a store's Amazon orders for a date range (historical loads)",
        run=run_load,
        targets=download_targets,
        one_at_a_time=DOWNLOAD_GROUP,
        doing="the order download",
    )
