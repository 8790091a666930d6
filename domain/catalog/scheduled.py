"""The catalog download as a job: hourly per store (ST-9), and on demand (CA-1)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.catalog.download import download_catalog
from domain.jobs import Every, JobContext, JobSpec, JobTarget
from domain.stores.models import Store

CATALOG_EVERY_MINUTES = 60


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
        sessions=context.sessions,
        gateway=context.services["amazon"],
        clock=context.clock,
        store_id=int(context.target.key),
        run=context.run,
    )


CATALOG_DOWNLOAD = JobSpec(
    name="catalog_download",
    description="Download the store's listings report and catalog details (hourly, ST-9)",
    run=run_catalog_download,
    targets=every_store,
)
