"""The catalog download as a job: hourly per store (ST-9), and on demand (CA-1)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.jobs import Every, JobContext, JobSpec, JobTarget
from skuport.domain.listings.download import download_catalog
from skuport.domain.listings.opening_stock import import_opening_stock
from skuport.domain.stores.models import Store
from skuport.domain.stores.service import get_store

CATALOG_EVERY_MINUTES = 60
# Both catalog downloads of a store (hourly, on demand) run one at a time, on every server.
CATALOG_GROUP = "catalog_download"


async def every_store(session: AsyncSession) -> list[JobTarget]:
    """One target per connected store."""
    stores = await session.scalars(select(Store).order_by(Store.id))
    return [
        JobTarget(key=str(store.id), label=store.name, schedule=Every(CATALOG_EVERY_MINUTES))
        for store in stores
    ]


async def run_catalog_download(context: JobContext) -> None:
    """Download the target store's catalog, recording counts and skipped rows in the run."""
    assert context.target is not None
    await download_catalog(
        units=context.units,
        gateway=context.services["amazon"],
        store_id=int(context.target.key),
        run=context.run,
    )


async def run_catalog_download_with_opening_stock(context: JobContext) -> None:
    """BX-6: the same download, then the listings' quantities as opening stock (opt-in)."""
    await run_catalog_download(context)
    assert context.target is not None
    store_id = int(context.target.key)
    async with context.units() as uow:
        location_id = (await get_store(uow.session, store_id=store_id)).settings.fbm_location_id
        imported = await import_opening_stock(
            uow.session, store_id=store_id, location_id=location_id
        )
    for item, reason in imported.skipped:
        context.run.skip(item, reason)
    context.run.message += f"; opening stock received for {imported.received} products"


CATALOG_DOWNLOAD = JobSpec(
    name="catalog_download",
    # ST-9
    description="Download the store's listings report and catalog details (hourly)",
    run=run_catalog_download,
    targets=every_store,
    one_at_a_time=CATALOG_GROUP,
    doing="the catalog download",
)

# Started on demand only (downloadCatalog with importOpeningStock), so it is not registered
# with the scheduler, which runs every registered job on its schedule.
CATALOG_DOWNLOAD_WITH_OPENING_STOCK = JobSpec(
    name="catalog_download_opening_stock",
    # BX-6
    description="Download the catalog and import listing quantities as opening stock",
    run=run_catalog_download_with_opening_stock,
    targets=every_store,
    one_at_a_time=CATALOG_GROUP,
    doing="the catalog download",
)
