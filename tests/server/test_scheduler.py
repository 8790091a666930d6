"""The scheduler: interval and daily-at-local-time triggers, per-store jobs (virtual time)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from skuport.domain.clock import ManualClock
from skuport.domain.events import EventBus
from skuport.domain.jobs import DailyAt, Every, JobRegistry, JobRunner, JobSpec, JobTarget
from skuport.domain.jobs.housekeeping import HOUSEKEEPING
from skuport.server.scheduler import Scheduler, next_fire_time


def test_a_daily_job_fires_at_local_time_across_daylight_saving():
    """PR-1: daily consolidation at the store's local time, DST handled."""
    daily = DailyAt(at=time(18, 0), timezone="Europe/Berlin")
    # Winter: 18:00 CET is 17:00 UTC; after the March change, 18:00 CEST is 16:00 UTC.
    assert next_fire_time(daily, datetime(2026, 3, 27, 12, tzinfo=UTC)) == datetime(
        2026, 3, 27, 17, tzinfo=UTC
    )
    assert next_fire_time(daily, datetime(2026, 3, 30, 12, tzinfo=UTC)) == datetime(
        2026, 3, 30, 16, tzinfo=UTC
    )


def test_an_interval_job_fires_every_interval():
    start = datetime(2026, 3, 1, 12, 1, tzinfo=UTC)
    every = Every(minutes=15)
    first = next_fire_time(every, start)
    second = next_fire_time(every, first + timedelta(seconds=1))
    assert first == datetime(2026, 3, 1, 12, 15, tzinfo=UTC)
    assert second == datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
    assert every.slot(first) != every.slot(second)


async def test_per_store_jobs_are_scheduled_once_per_store(sessions):
    async def stores(_session):
        return [
            JobTarget(key="1", label="NA store", schedule=Every(minutes=15)),
            JobTarget(key="2", label="EU store", schedule=DailyAt(at=time(6), timezone="UTC")),
        ]

    async def nothing(_context):
        return None

    registry = JobRegistry()
    registry.register(HOUSEKEEPING)
    registry.register(JobSpec(name="download_orders", description="", run=nothing, targets=stores))
    runner = JobRunner(
        sessions=sessions, clock=ManualClock(datetime(2026, 1, 1, tzinfo=UTC)), bus=EventBus()
    )
    scheduler = Scheduler(registry=registry, runner=runner, sessions=sessions)
    await scheduler.start()
    try:
        planned = sorted((job, target) for job, target, _next in scheduler.planned())
        assert planned == [("download_orders", "1"), ("download_orders", "2"), ("housekeeping", "")]
        assert scheduler.running
    finally:
        scheduler.shutdown()


async def test_pr1_a_daily_store_at_0130_london_consolidates_once_on_both_change_days(sessions):
    """PR-1: a DAILY store consolidating at 01:30 Europe/London, driven by the scheduler on a
    manual clock through both 2026 changes, on two servers: on the spring day 01:30 does not
    exist (it runs at 02:30 BST), on the autumn day 01:30 comes twice (BST, then GMT) and the
    day's slot is claimed once. Every local day consolidates exactly once."""
    ran: list[str] = []

    async def consolidate(context):
        ran.append(context.clock.now().astimezone(ZoneInfo("Europe/London")).date().isoformat())

    async def daily_store(_session):
        return [JobTarget("1", "UK store", DailyAt(at=time(1, 30), timezone="Europe/London"))]

    registry = JobRegistry()
    spec = JobSpec(name="orders_daily_processing", description="", run=consolidate,
                   targets=daily_store)  # fmt: skip
    registry.register(spec)
    for start, change in ((datetime(2026, 3, 27, tzinfo=UTC), "2026-03-29"),
                          (datetime(2026, 10, 23, tzinfo=UTC), "2026-10-25")):  # fmt: skip
        ran.clear()
        clock = ManualClock(start)
        servers = [
            Scheduler(
                registry=registry,
                runner=JobRunner(sessions=sessions, clock=clock, bus=EventBus()),
                sessions=sessions,
            )
            for _ in range(2)
        ]
        for server in servers:
            await server.rebuild()
        fires = servers[0].fires_between(start, start + timedelta(days=5))
        for moment, job, target in fires:
            clock.set(moment)
            for server in servers:
                await server.fire(job, target)
        days = [(start + timedelta(days=n)).date().isoformat() for n in range(5)]
        assert ran == days, (change, [m.isoformat() for m, _, _ in fires])
    autumn = [m for m, _, _ in fires if m.date().isoformat() == "2026-10-25"]
    assert len(autumn) == 2  # the scheduler does fire twice on the autumn day
