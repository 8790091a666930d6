"""APScheduler wiring: every registered job on its schedule, per-store jobs per store."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from skuport.domain.jobs import DailyAt, Every, JobRegistry, JobRunner, JobSpec, JobTarget, Trigger
from skuport.domain.jobs.registry import Schedule

log = logging.getLogger(__name__)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def trigger_for(schedule: Schedule) -> BaseTrigger:
    """The APScheduler trigger of a schedule (daily times follow the zone's DST rules)."""
    if isinstance(schedule, Every):
        # Anchored at the epoch, so fire times fall on the slot boundaries of Every.slot().
        return IntervalTrigger(minutes=schedule.minutes, start_date=EPOCH, timezone=UTC)
    if isinstance(schedule, DailyAt):
        return CronTrigger(
            hour=schedule.at.hour, minute=schedule.at.minute, timezone=ZoneInfo(schedule.timezone)
        )
    raise TypeError(f"unknown schedule {schedule!r}")


def next_fire_time(schedule: Schedule, after: datetime) -> datetime:
    """When a schedule next fires at or after `after` (virtual time for tests and the UI)."""
    fire = trigger_for(schedule).get_next_fire_time(None, after)
    assert fire is not None
    return fire.astimezone(UTC)


class Scheduler:
    """Runs the registry's jobs in the server's event loop; rebuilt when stores change."""

    def __init__(
        self,
        *,
        registry: JobRegistry,
        runner: JobRunner,
        sessions: async_sessionmaker[AsyncSession],
    ) -> None:
        self.registry = registry
        self.runner = runner
        self.sessions = sessions
        # Late or missed runs collapse into one; a run never overlaps itself in one server.
        self._aps = AsyncIOScheduler(
            timezone=UTC,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
        )

    @property
    def running(self) -> bool:
        return bool(self._aps.running)

    async def start(self) -> None:
        """Schedule every job and start firing."""
        await self.rebuild()
        self._aps.start()

    async def rebuild(self) -> None:
        """Re-read per-store targets (after a store is connected, edited or removed)."""
        self._aps.remove_all_jobs()
        for spec in self.registry:
            if spec.schedule is not None:
                self._add(spec, None, spec.schedule)
                continue
            assert spec.targets is not None
            async with self.sessions() as session:
                targets = await spec.targets(session)
            for target in targets:
                self._add(spec, target, target.schedule)

    def planned(self) -> list[tuple[str, str, datetime | None]]:
        """(job, target, next run) for every scheduled job."""
        return [
            (job.args[0].name, job.args[1].key if job.args[1] else "", job.next_run_time)
            for job in self._aps.get_jobs()
        ]

    def fires_between(
        self, start: datetime, end: datetime
    ) -> list[tuple[datetime, JobSpec, JobTarget | None]]:
        """Every (fire time, job, target) the schedules give in [start, end), in time order
        (for tests driving a manual clock, and for showing what will run)."""
        fires = []
        for job in self._aps.get_jobs():
            after = start.astimezone(UTC)
            while True:
                fire = job.trigger.get_next_fire_time(None, after)
                if fire is None or fire >= end:
                    break
                # In UTC: local wall-clock arithmetic would lose the fold of a repeated hour.
                fires.append((fire.astimezone(UTC), job.args[0], job.args[1]))
                after = fire.astimezone(UTC) + timedelta(microseconds=1)
        return sorted(fires, key=lambda fire: fire[0])

    def shutdown(self) -> None:
        if self._aps.running:
            self._aps.shutdown(wait=False)

    def _add(self, spec: JobSpec, target: JobTarget | None, schedule: Schedule) -> None:
        job_id = spec.name if target is None else f"{spec.name}:{target.key}"
        self._aps.add_job(
            self.fire, trigger_for(schedule), args=(spec, target), id=job_id, replace_existing=True
        )

    async def fire(self, spec: JobSpec, target: JobTarget | None) -> None:
        """What the scheduler does when a job's time comes: run it for its slot."""
        try:
            await self.runner.run(
                spec, trigger=Trigger.SCHEDULER, triggered_by="scheduler", target=target
            )
        except Exception:
            # The run itself records job failures; this catches failures to even record it.
            log.exception("could not run scheduled job %s", spec.name)
