"""The housekeeping job: prunes old runs so the operation log stays small."""

from __future__ import annotations

from datetime import timedelta

from skuport.domain.jobs.registry import Every, JobSpec
from skuport.domain.jobs.runner import JobContext
from skuport.domain.jobs.service import prune_runs

DEFAULT_RETENTION_DAYS = 30


async def prune_old_runs(context: JobContext) -> None:
    """Delete finished runs older than the retention period."""
    days = int(context.services.get("run_retention_days", DEFAULT_RETENTION_DAYS))
    cutoff = context.clock.now() - timedelta(days=days)
    async with context.units() as uow:
        pruned = await prune_runs(uow.session, older_than=cutoff)
    context.run.processed = pruned
    context.run.window_end = cutoff
    context.run.message = f"pruned {pruned} runs that started before {cutoff:%Y-%m-%d %H:%M} UTC"


HOUSEKEEPING = JobSpec(
    name="housekeeping",
    description="Delete finished operation-log runs older than the retention period",
    run=prune_old_runs,
    schedule=Every(minutes=360),
)
