"""Reading and pruning the operation log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.jobs.models import JobRun, OperationLog


async def get_run(session: AsyncSession, *, run_id: int) -> OperationLog | None:
    """One run of the operation log."""
    return await session.get(OperationLog, run_id)


def runs_query(*, operation: str | None = None, target: str | None = None):  # type: ignore[no-untyped-def]
    """The operation log, newest first, optionally for one operation or target."""
    statement = select(OperationLog)
    if operation:
        statement = statement.where(OperationLog.operation == operation)
    if target is not None:
        statement = statement.where(OperationLog.target == target)
    return statement


async def prune_runs(session: AsyncSession, *, older_than: datetime) -> int:
    """Delete finished runs that started before `older_than`; returns how many went."""
    finished_old = select(OperationLog.id).where(
        OperationLog.started_at < older_than, OperationLog.finished_at.is_not(None)
    )
    ids = list((await session.scalars(finished_old)).all())
    if not ids:
        return 0
    run_ids = select(OperationLog.job_run_id).where(OperationLog.id.in_(ids))
    job_run_ids = [i for i in (await session.scalars(run_ids)).all() if i is not None]
    await session.execute(delete(OperationLog).where(OperationLog.id.in_(ids)))
    if job_run_ids:
        await session.execute(delete(JobRun).where(JobRun.id.in_(job_run_ids)))
    return len(ids)
