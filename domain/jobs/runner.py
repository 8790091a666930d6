"""Run a job once per slot: claim the slot, record the run in the operation log, stream events."""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from skuport.domain.clock import Clock
from skuport.domain.events import EventBus
from skuport.domain.jobs.claims import claim_running, claim_slot, release_running, renew_running
from skuport.domain.jobs.models import OperationLog, RunStatus, Trigger
from skuport.domain.jobs.registry import JobSpec, JobTarget, Schedule
from skuport.domain.unit_of_work import UnitsOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunEvent:
    """A step in the life of a run, streamed to subscribers (BX-4)."""

    run_id: int
    operation: str
    target: str
    status: RunStatus
    processed: int
    skipped: int
    cancelled: int
    message: str
    at: datetime
    expected: int | None = None


@dataclass
class RunRecorder:
    """What a running job reports: counts, skipped items with reasons, progress."""

    log_id: int
    operation: str
    target: str
    bus: EventBus
    clock: Clock
    processed: int = 0
    skipped: int = 0
    cancelled: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)
    message: str = ""
    # How many items the run expects to go through (processed + skipped + cancelled), if known.
    expected: int | None = None
    window_start: datetime | None = None
    window_end: datetime | None = None
    # Where progress is saved, so that polling clients see it too (set by the JobRunner).
    sessions: async_sessionmaker[AsyncSession] | None = None
    # The run's one-at-a-time claim (jobs/claims.py), renewed with every saved progress.
    claim_id: int | None = None
    _saving: asyncio.Task[None] | None = field(default=None, repr=False)

    def skip(self, item: str, reason: str) -> None:
        """Count an item as skipped, saying why (LG-4, OR-8)."""
        self.skipped += 1
        self.errors.append({"item": item, "reason": reason})

    def error(self, item: str, reason: str) -> None:
        """Record an error that did not stop the run."""
        self.errors.append({"item": item, "reason": reason})

    def expect(self, total: int, *, more: bool = False) -> None:
        """Say how many items the run will go through; `more` adds to what was expected."""
        self.expected = (self.expected or 0) + total if more else total

    async def progress(self, message: str) -> None:
        """Tell subscribers how far the run has got, and save it for clients that poll.

        Published straight away, not through a unit of work: progress reports work in flight,
        not a committed change, and its write is a best-effort courtesy in the background.
        """
        self.message = message
        await self.bus.publish(self.event(RunStatus.RUNNING))
        if self.sessions is not None and (self._saving is None or self._saving.done()):
            # In the background: the job may hold a transaction that this write must wait for.
            self._saving = asyncio.create_task(self._save_progress())

    async def settle(self) -> None:
        """Let a pending progress write finish before the final state is written."""
        if self._saving is not None:
            await asyncio.gather(self._saving, return_exceptions=True)

    async def _save_progress(self) -> None:
        assert self.sessions is not None
        try:
            units = UnitsOfWork(self.sessions, clock=self.clock, bus=self.bus)
            async with units() as uow:
                await uow.session.execute(
                    update(OperationLog)
                    .where(OperationLog.id == self.log_id)
                    .values(
                        processed=self.processed,
                        skipped=self.skipped,
                        cancelled=self.cancelled,
                        expected=self.expected,
                        message=self.message,
                    )
                )
                if self.claim_id is not None:
                    await renew_running(uow.session, claim_id=self.claim_id, now=uow.now())
        except Exception as exc:
            # Progress is a courtesy: on SQLite a busy job's own transactions may keep the write
            # lock past the busy timeout. The run's final state is written regardless.
            log.debug("progress of run %s not saved: %s", self.log_id, exc)

    def event(self, status: RunStatus) -> RunEvent:
        return RunEvent(
            run_id=self.log_id,
            operation=self.operation,
            target=self.target,
            status=status,
            processed=self.processed,
            skipped=self.skipped,
            cancelled=self.cancelled,
            message=self.message,
            at=self.clock.now(),
            expected=self.expected,
        )


@dataclass
class JobContext:
    """Everything a job function gets: database, time, its target, its recorder, services."""

    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    bus: EventBus
    run: RunRecorder
    target: JobTarget | None = None
    services: dict[str, Any] = field(default_factory=dict)

    @property
    def units(self) -> UnitsOfWork:
        """Units of work on the job's database, clock and bus: a job's only way to write."""
        return UnitsOfWork(self.sessions, clock=self.clock, bus=self.bus)


def _slot(schedule: Schedule | None, trigger: Trigger, moment: datetime) -> str:
    if trigger is Trigger.USER or schedule is None:
        return f"manual-{uuid.uuid4().hex}"
    return schedule.slot(moment)


class JobRunner:
    """Runs registered jobs once per slot, in the foreground or as background tasks."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        bus: EventBus,
        services: dict[str, Any] | None = None,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.bus = bus
        self.units = UnitsOfWork(sessions, clock=clock, bus=bus)
        self.services = dict(services or {})
        self._tasks: set[asyncio.Task[Any]] = set()

    async def run(
        self,
        spec: JobSpec,
        *,
        trigger: Trigger,
        triggered_by: str,
        target: JobTarget | None = None,
    ) -> OperationLog | None:
        """Run `spec` to the end; None when its slot was already claimed (it ran elsewhere)."""
        started = await self._begin(spec, trigger=trigger, triggered_by=triggered_by, target=target)
        if started is None:
            return None
        return await self._complete(spec, *started)

    async def start(
        self, spec: JobSpec, *, triggered_by: str, target: JobTarget | None = None
    ) -> OperationLog:
        """Start a user-triggered run in the background and return its (running) log entry."""
        started = await self._begin(
            spec, trigger=Trigger.USER, triggered_by=triggered_by, target=target
        )
        assert started is not None  # a manual slot is unique, so the claim cannot collide
        self.track(asyncio.create_task(self._complete(spec, *started)))
        return started[0]

    def track(self, task: asyncio.Task[Any]) -> None:
        """Count a background task (e.g. a run about to start) as work `drain()` waits for."""
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait for every background run to finish (shutdown, tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _begin(
        self,
        spec: JobSpec,
        *,
        trigger: Trigger,
        triggered_by: str,
        target: JobTarget | None,
    ) -> tuple[OperationLog, JobContext] | None:
        started = self.clock.now()
        schedule = target.schedule if target is not None else spec.schedule
        target_key = target.key if target is not None else ""
        async with self.units() as uow:
            run_id = await claim_slot(
                uow.session,
                job_name=spec.name,
                target=target_key,
                slot=_slot(schedule, trigger, started),
                now=started,
            )
            if run_id is None:
                return None
            claim_id = None
            if spec.one_at_a_time is not None:
                claim_id = await claim_running(
                    uow.session, group=spec.one_at_a_time, target=target_key, now=started
                )
            entry = OperationLog(
                job_run_id=run_id,
                operation=spec.name,
                target=target_key,
                trigger=trigger,
                triggered_by=triggered_by,
                status=RunStatus.RUNNING,
                started_at=started,
                errors=[],
                message="",
                processed=0,
                skipped=0,
                cancelled=0,
            )
            uow.session.add(entry)
            await uow.session.flush()
            recorder = RunRecorder(
                log_id=entry.id,
                operation=spec.name,
                target=target_key,
                bus=self.bus,
                clock=self.clock,
                sessions=self.sessions,
                claim_id=claim_id,
            )
            uow.record(recorder.event(RunStatus.RUNNING))
        context = JobContext(
            sessions=self.sessions,
            clock=self.clock,
            bus=self.bus,
            run=recorder,
            target=target,
            services=self.services,
        )
        return entry, context

    async def _complete(
        self, spec: JobSpec, entry: OperationLog, context: JobContext
    ) -> OperationLog:
        status = RunStatus.SUCCEEDED
        if spec.one_at_a_time is not None and context.run.claim_id is None:
            # Another run of this job and store is under way (here or on another server).
            context.run.message = already_running(spec)
            return await _finish(self.units, context.run, status, entry.started_at)
        try:
            await spec.run(context)
        except Exception as exc:
            # A failing job is recorded and reported, never allowed to take the scheduler down.
            log.exception("job %s failed", spec.name)
            status = RunStatus.FAILED
            context.run.error("", f"{type(exc).__name__}: {exc}")
            context.run.message = context.run.message or "the run failed"
        except BaseException:
            # Cancelled (shutdown): the claim goes, the run stays visibly unfinished.
            await self._release(context.run)
            raise
        return await _finish(self.units, context.run, status, entry.started_at)

    async def _release(self, recorder: RunRecorder) -> None:
        if recorder.claim_id is None:
            return
        await recorder.settle()
        async with self.units() as uow:
            await release_running(uow.session, claim_id=recorder.claim_id)


def already_running(spec: JobSpec) -> str:
    """The note of a run skipped because another one of the same job and store is running."""
    doing = spec.doing or "this job"
    return (
        f"Skipped: {doing} of this store was already running, so this run did not start a "
        "second one. The next run picks up whatever that one leaves."
    )


async def _finish(
    units: UnitsOfWork, recorder: RunRecorder, status: RunStatus, started: datetime
) -> OperationLog:
    await recorder.settle()
    async with units() as uow:
        finished = uow.now()
        entry = await uow.session.get_one(OperationLog, recorder.log_id)
        entry.status = status
        entry.processed = recorder.processed
        entry.skipped = recorder.skipped
        entry.cancelled = recorder.cancelled
        entry.expected = recorder.expected
        entry.errors = list(recorder.errors)
        entry.message = recorder.message
        entry.window_start = recorder.window_start
        entry.window_end = recorder.window_end
        entry.finished_at = finished
        entry.duration_ms = int((finished - started).total_seconds() * 1000)
        if recorder.claim_id is not None:
            await release_running(uow.session, claim_id=recorder.claim_id)
        uow.record(recorder.event(status))
    log.info(run_line(entry))
    return entry


def run_line(entry: OperationLog) -> str:
    """A finished run in one short line, for the server's terminal."""
    where = f" store {entry.target}" if entry.target else ""
    seconds = (entry.duration_ms or 0) / 1000
    counts = f"{entry.processed} processed, {entry.skipped} skipped, {entry.cancelled} cancelled"
    return (
        f"run {entry.id} {entry.operation}{where}: {entry.status.value.lower()} in "
        f"{seconds:.1f} s; {counts}"
    )
