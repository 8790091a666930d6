"""Jobs run once per slot, and every run lands in the operation log (LG-4)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from skuport.domain.clock import ManualClock
from skuport.domain.events import EventBus
from skuport.domain.jobs import (
    DailyAt,
    Every,
    JobContext,
    JobRunner,
    JobSpec,
    OperationLog,
    RunEvent,
    RunStatus,
    Trigger,
)
from skuport.domain.jobs.housekeeping import HOUSEKEEPING

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def runner_for(sessions, clock, **services):
    return JobRunner(sessions=sessions, clock=clock, bus=EventBus(), services=services)


async def count_items(context: JobContext) -> None:
    context.run.processed = 3
    context.run.skip("order 111-222", "tax mapping incomplete")
    context.run.cancelled = 1
    context.clock.advance(timedelta(seconds=2))


COUNTING = JobSpec(name="counting", description="", run=count_items, schedule=Every(minutes=15))


async def test_a_run_records_counts_errors_window_and_duration(sessions):
    clock = ManualClock(START)
    entry = await runner_for(sessions, clock).run(
        COUNTING, trigger=Trigger.SCHEDULER, triggered_by="scheduler"
    )
    assert entry is not None
    assert (entry.processed, entry.skipped, entry.cancelled) == (3, 1, 1)
    assert entry.errors == [{"item": "order 111-222", "reason": "tax mapping incomplete"}]
    assert entry.status is RunStatus.SUCCEEDED
    assert entry.duration_ms == 2000
    assert entry.trigger is Trigger.SCHEDULER


async def test_two_servers_firing_the_same_slot_run_the_job_once(sessions):
    """Replicas on one database: the second claim of a slot is skipped, not run."""
    clock = ManualClock(START)
    first = await runner_for(sessions, clock).run(
        COUNTING, trigger=Trigger.SCHEDULER, triggered_by="scheduler"
    )
    clock.advance(timedelta(minutes=5))  # the other server fires a little later, same slot
    second = await runner_for(sessions, clock).run(
        COUNTING, trigger=Trigger.SCHEDULER, triggered_by="scheduler"
    )
    clock.advance(timedelta(minutes=15))  # the next slot runs again
    third = await runner_for(sessions, clock).run(
        COUNTING, trigger=Trigger.SCHEDULER, triggered_by="scheduler"
    )
    assert first is not None and second is None and third is not None
    async with sessions() as session:
        assert await session.scalar(select(func.count(OperationLog.id))) == 2


async def test_manual_runs_never_collide_with_scheduled_ones(sessions):
    clock = ManualClock(START)
    runner = runner_for(sessions, clock)
    await runner.run(COUNTING, trigger=Trigger.SCHEDULER, triggered_by="scheduler")
    manual = await runner.run(COUNTING, trigger=Trigger.USER, triggered_by="ana")
    assert manual is not None and manual.triggered_by == "ana"


async def test_a_failing_job_is_recorded_as_failed_with_its_reason(sessions):
    async def explode(context: JobContext) -> None:
        context.run.processed = 1
        raise RuntimeError("Amazon said no")

    spec = JobSpec(name="explode", description="", run=explode, schedule=Every(minutes=5))
    entry = await runner_for(sessions, ManualClock(START)).run(
        spec, trigger=Trigger.USER, triggered_by="ana"
    )
    assert entry is not None
    assert entry.status is RunStatus.FAILED
    assert entry.processed == 1
    assert entry.errors[-1]["reason"] == "RuntimeError: Amazon said no"


async def test_a_run_streams_its_start_progress_and_end(sessions):
    """BX-4: subscribers see the run as it happens."""

    async def with_progress(context: JobContext) -> None:
        context.run.processed = 1
        await context.run.progress("1 of 2")

    bus = EventBus()
    events: list[RunEvent] = []
    bus.on(RunEvent, events.append)
    runner = JobRunner(sessions=sessions, clock=ManualClock(START), bus=bus)
    spec = JobSpec(name="progress", description="", run=with_progress, schedule=Every(minutes=5))
    await runner.run(spec, trigger=Trigger.USER, triggered_by="ana")
    assert [(e.status, e.message) for e in events] == [
        (RunStatus.RUNNING, ""),
        (RunStatus.RUNNING, "1 of 2"),
        (RunStatus.SUCCEEDED, "1 of 2"),
    ]


async def test_housekeeping_prunes_only_old_finished_runs(sessions):
    clock = ManualClock(START)
    runner = runner_for(sessions, clock, run_retention_days=30)
    await runner.run(COUNTING, trigger=Trigger.USER, triggered_by="ana")
    clock.advance(timedelta(days=31))
    await runner.run(COUNTING, trigger=Trigger.USER, triggered_by="ana")
    pruned = await runner.run(HOUSEKEEPING, trigger=Trigger.USER, triggered_by="ana")
    assert pruned is not None and pruned.processed == 1
    async with sessions() as session:
        left = (await session.scalars(select(OperationLog.operation))).all()
    assert sorted(left) == ["counting", "housekeeping"]


def test_interval_slots_are_shared_within_the_interval():
    every = Every(minutes=15)
    assert every.slot(START) == every.slot(START + timedelta(minutes=14))
    assert every.slot(START) != every.slot(START + timedelta(minutes=15))


def test_daily_slots_follow_the_local_date_of_the_time_zone():
    daily = DailyAt(at=time(23, 30), timezone="Australia/Sydney")
    # 14:00 UTC is already the next day in Sydney.
    assert daily.slot(datetime(2026, 3, 1, 14, 0, tzinfo=UTC)) == "daily-2026-03-02"


def test_schedules_refuse_nonsense():
    with pytest.raises(ValueError, match="at least one minute"):
        Every(minutes=0)
    with pytest.raises(ValueError, match="unknown time zone"):
        DailyAt(at=time(1, 0), timezone="Mars/Olympus")


async def test_progress_is_saved_for_clients_that_poll(sessions):
    """BX-4 without a subscription: a running run's counts and message are readable."""
    seen: dict[str, object] = {}

    async def halfway(context: JobContext) -> None:
        context.run.processed = 250
        await context.run.progress("US: 250 of 1000 listings")
        await context.run.settle()
        async with context.sessions() as session:
            entry = await session.get(OperationLog, context.run.log_id)
            seen.update(status=entry.status, processed=entry.processed, message=entry.message)
        context.run.processed = 1000

    spec = JobSpec(name="halfway", description="", run=halfway, schedule=Every(minutes=5))
    final = await runner_for(sessions, ManualClock(START)).run(
        spec, trigger=Trigger.USER, triggered_by="ana"
    )
    assert seen == {
        "status": RunStatus.RUNNING,
        "processed": 250,
        "message": "US: 250 of 1000 listings",
    }
    assert final is not None and final.processed == 1000
