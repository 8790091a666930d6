"""Stock push and shipment confirmation as jobs (SY-1 … SY-3, OR-10, FU-1)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.jobs import Every, JobContext, JobSpec, JobTarget
from skuport.domain.jobs.claims import one_run_at_a_time
from skuport.domain.stock_sync.push import PushResult, push_store, stores_pushing_stock
from skuport.domain.stock_sync.shipments import confirm_due_shipments
from skuport.domain.stores.models import Store, StoreSettings

# The event-driven push does the work; this run only catches what events cannot see
# (a server restarted with changes in memory, a listing linked later, a failed send).
STOCK_PUSH_EVERY_MINUTES = 10
CONFIRM_SHIPMENTS_EVERY_MINUTES = 5
QUEUE = "stock_sync"
# A store's stock is pushed by one run at a time, on every server (jobs/claims.py).
PUSH_GROUP = "stock_push"


async def stores_with_push_on(session: AsyncSession) -> list[JobTarget]:
    """One target per store with "update stock levels" on (the scheduler is rebuilt when
    settings change)."""
    stores = await session.scalars(
        select(Store)
        .join(StoreSettings, StoreSettings.store_id == Store.id)
        .where(StoreSettings.update_stock_levels.is_(True))
        .order_by(Store.id)
    )
    return [
        JobTarget(key=str(store.id), label=store.name, schedule=Every(STOCK_PUSH_EVERY_MINUTES))
        for store in stores
    ]


PUSH_BUSY = (
    "not pushed now: a stock push of this store was already running; its next run sends "
    "these levels"
)


def _summarise(context: JobContext, results: list[PushResult]) -> None:
    sent = sum(r.sent for r in results)
    unchanged = sum(r.unchanged for r in results)
    failed = sum(r.failed for r in results)
    calls = sum(r.patches for r in results)
    feeds = sum(r.feeds for r in results)
    off = [r for r in results if r.skipped_reason]
    context.run.skipped += failed
    parts = [f"{sent} quantities sent ({calls} patches, {feeds} feeds)", f"{unchanged} unchanged"]
    if failed:
        parts.append(f"{failed} failed")
    if off:
        parts += [f"store {r.store_id} not pushed: {r.skipped_reason}" for r in off]
    context.run.message = "; ".join(parts)


async def run_stock_push(context: JobContext) -> None:
    """Push every changed quantity of the target store (safety net, "push now")."""
    assert context.target is not None
    store_id = int(context.target.key)
    queue = context.services.get(QUEUE)
    lock = queue.lock if queue is not None else None
    if lock is not None:
        async with lock:
            result = await _push_one(context, store_id)
    else:
        result = await _push_one(context, store_id)
    _summarise(context, [result])


async def _push_one(context: JobContext, store_id: int) -> PushResult:
    return await push_store(
        units=context.units,
        gateway=context.services["amazon"],
        store_id=store_id,
        run=context.run,
    )


async def run_pending_stock_changes(context: JobContext) -> None:
    """Push the products whose availability changed since the last run, to every store."""
    queue = context.services[QUEUE]
    async with queue.lock:
        product_ids, everything = queue.take()
        results = []
        for store_id in await stores_pushing_stock(context.sessions):
            async with one_run_at_a_time(
                context.units, group=PUSH_GROUP, target=str(store_id)
            ) as claimed:
                if not claimed:
                    # Another server is pushing this store; its 10-minute run sends the rest.
                    context.run.error(f"store {store_id}", PUSH_BUSY)
                    continue
                try:
                    results.append(
                        await push_store(
                            units=context.units,
                            gateway=context.services["amazon"],
                            store_id=store_id,
                            product_ids=None if everything else product_ids,
                            run=context.run,
                        )
                    )
                except Exception as exc:
                    # One store that cannot be reached must not keep the others' stock stale;
                    # its own 10-minute run sends what this one could not.
                    context.run.error(f"store {store_id}", f"{type(exc).__name__}: {exc}")
    _summarise(context, results)
    scope = "every listing" if everything else f"{len(product_ids)} changed products"
    context.run.message = f"{scope}: {context.run.message}"


async def run_confirm_shipments(context: JobContext) -> None:
    """FU-1: confirm due shipments to Amazon, retrying the ones that failed."""
    outcome = await confirm_due_shipments(units=context.units, gateway=context.services["amazon"])
    context.run.processed += outcome.confirmed
    context.run.skipped += outcome.failed
    for item, reason in outcome.errors:
        context.run.error(item, reason)
    context.run.message = (
        f"{outcome.confirmed} confirmed, {outcome.failed} failed, {outcome.marked} newly due"
    )


STOCK_PUSH = JobSpec(
    name="stock_push",
    # SY-1 … SY-3
    description="Send changed FBM stock levels of the store to Amazon",
    run=run_stock_push,
    targets=stores_with_push_on,
    one_at_a_time=PUSH_GROUP,
    doing="the stock push",
)

# Started by availability events and order downloads (wiring.py), not by the scheduler:
# it is deliberately not registered, and its schedule is never used.
STOCK_PUSH_CHANGES = JobSpec(
    name="stock_push_changes",
    # SY-1, OR-10
    description="Send the stock levels that just changed to every store",
    run=run_pending_stock_changes,
    schedule=Every(STOCK_PUSH_EVERY_MINUTES),
)

CONFIRM_SHIPMENTS = JobSpec(
    name="confirm_shipments",
    # FU-1
    description="Confirm shipped FBM sales to Amazon and retry failed confirmations",
    run=run_confirm_shipments,
    schedule=Every(CONFIRM_SHIPMENTS_EVERY_MINUTES),
)
