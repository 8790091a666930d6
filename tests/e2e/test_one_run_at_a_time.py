"""One run per store and job at a time, on every server of one database (ST-9, OR-1, SY-1)."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta

from sqlalchemy import select

from skuport.domain.events import EventBus
from skuport.domain.jobs import Every, JobRun, JobRunner, JobSpec, JobTarget, RunStatus, Trigger
from skuport.domain.jobs.claims import LEASE, RUNNING_SLOT
from skuport.domain.listings.scheduled import CATALOG_DOWNLOAD, every_store
from skuport.domain.orders.scheduled import ORDERS_DOWNLOAD, load_job
from skuport.domain.stock_sync.scheduled import STOCK_PUSH
from tests.e2e import test_orders_support as support

amazon, shop = support.amazon, support.shop


def other_server(app, sessions) -> JobRunner:
    """A second server on the same database (its own runner, its own event bus)."""
    services = app.state.services
    return JobRunner(
        sessions=sessions, clock=services.clock, bus=EventBus(), services=services.runner.services
    )


def held(spec: JobSpec, release: asyncio.Event) -> JobSpec:
    """The job, held at its start until `release` is set: still at work when another starts."""

    async def run_when_released(context):  # type: ignore[no-untyped-def]
        await release.wait()
        await spec.run(context)

    return dataclasses.replace(spec, run=run_when_released)


async def target_of(sessions, store_id: str) -> JobTarget:
    async with sessions() as session:
        return {t.key: t for t in await every_store(session)}[store_id]


async def test_st9_the_hourly_catalog_download_skips_while_one_runs(app, shop, sessions, amazon):
    """ST-9: a catalog download started by hand is running; the hourly one (another server)
    does not start a second download of the store, and says so in the operation log."""
    store = await shop("NA")
    target = await target_of(sessions, store.id)
    runner = app.state.services.runner
    release = asyncio.Event()
    started = await runner.start(
        held(CATALOG_DOWNLOAD, release), triggered_by="connect", target=target
    )
    hourly = await other_server(app, sessions).run(
        CATALOG_DOWNLOAD, trigger=Trigger.SCHEDULER, triggered_by="scheduler", target=target
    )
    assert hourly.status is RunStatus.SUCCEEDED and hourly.processed == 0
    assert hourly.message.startswith("Skipped: the catalog download of this store was already")
    release.set()
    await runner.drain()
    async with sessions() as session:
        first = await session.get(type(started), started.id)
    assert first.status is RunStatus.SUCCEEDED and first.processed > 0
    # once the first has finished, the next hourly run downloads again
    await amazon("POST", "/_sandbox/clock", seconds=3600)
    later = await other_server(app, sessions).run(
        CATALOG_DOWNLOAD, trigger=Trigger.SCHEDULER, triggered_by="scheduler", target=target
    )
    assert later.processed == first.processed and not later.message.startswith("Skipped")


async def test_or1_a_load_and_the_scheduled_download_do_not_overlap(app, shop, sessions):
    """OR-1: while a load of a date range runs, the 15-minute download of that store skips."""
    store = await shop("NA")
    target = await target_of(sessions, store.id)
    now = app.state.services.clock.now()
    runner = app.state.services.runner
    release = asyncio.Event()
    load = load_job(start=now - timedelta(days=3), end=None, route="search")
    await runner.start(held(load, release), triggered_by="seller", target=target)
    download = JobTarget(key=store.id, label="NA", schedule=Every(15))
    skipped = await other_server(app, sessions).run(
        ORDERS_DOWNLOAD, trigger=Trigger.SCHEDULER, triggered_by="scheduler", target=download
    )
    assert skipped.message.startswith("Skipped: the order download of this store")
    release.set()
    await runner.drain()


async def test_sy1_a_push_now_and_the_scheduled_push_do_not_overlap(app, shop, sessions, gql):
    """SY-1: a push started by hand holds the store; the 10-minute push skips meanwhile."""
    store = await shop("NA", updateStockLevels=True)
    target = JobTarget(key=store.id, label="NA", schedule=Every(10))
    runner = app.state.services.runner
    await runner.drain()  # the push that switching stock updates on starts is over
    release = asyncio.Event()
    await runner.start(held(STOCK_PUSH, release), triggered_by="seller", target=target)
    skipped = await other_server(app, sessions).run(
        STOCK_PUSH, trigger=Trigger.SCHEDULER, triggered_by="scheduler", target=target
    )
    assert skipped.message.startswith("Skipped: the stock push of this store")
    release.set()
    await runner.drain()
    async with sessions() as session:
        claims = await session.scalars(select(JobRun).where(JobRun.slot == RUNNING_SLOT))
        assert list(claims) == []  # every claim is given back at the end of its run


async def test_a_claim_of_a_server_that_died_lapses(app, shop, sessions, amazon):
    """ST-9: a server that died mid-run cannot block the store's catalog for ever."""
    store = await shop("NA")
    target = await target_of(sessions, store.id)
    clock = app.state.services.clock
    async with sessions() as session, session.begin():
        session.add(
            JobRun(job_name="catalog_download", target=store.id, slot=RUNNING_SLOT,
                   claimed_at=clock.now())
        )  # fmt: skip
    blocked = await other_server(app, sessions).run(
        CATALOG_DOWNLOAD, trigger=Trigger.USER, triggered_by="seller", target=target
    )
    assert blocked.message.startswith("Skipped")
    await amazon("POST", "/_sandbox/clock", seconds=(LEASE + timedelta(minutes=1)).seconds)
    taken_over = await other_server(app, sessions).run(
        CATALOG_DOWNLOAD, trigger=Trigger.USER, triggered_by="seller", target=target
    )
    assert taken_over.processed > 0 and not taken_over.message.startswith("Skipped")
