"""One run at a time per store and job: a claim in `job_runs` held while a run is RUNNING.

A run of a job that declares `one_at_a_time` holds the row (job_name=<group>, target=<store>,
slot="running") from its start to its end. The unique key of `job_runs` makes the claim hold
across every server on one database: a second run finds the row and is skipped with a note.
A server that dies mid-run cannot release its claim, so a claim lapses when it has not been
renewed (the run's saved progress renews it) for `LEASE`; the next run then takes it over.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.jobs.models import JobRun
from skuport.domain.unit_of_work import UnitsOfWork

RUNNING_SLOT = "running"
LEASE = timedelta(hours=1)


async def claim_slot(
    session: AsyncSession, *, job_name: str, target: str, slot: str, now: datetime
) -> int | None:
    """Insert the run's slot, or do nothing if another run (or server) already claimed it."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(JobRun)
        .values(job_name=job_name, target=target, slot=slot, claimed_at=now)
        .on_conflict_do_nothing(index_elements=["job_name", "target", "slot"])
        .returning(JobRun.id)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def claim_running(
    session: AsyncSession, *, group: str, target: str, now: datetime
) -> int | None:
    """Take the running claim of (group, target); None when another live run holds it."""
    await session.execute(
        delete(JobRun).where(
            JobRun.job_name == group,
            JobRun.target == target,
            JobRun.slot == RUNNING_SLOT,
            JobRun.claimed_at < now - LEASE,
        )
    )
    return await claim_slot(session, job_name=group, target=target, slot=RUNNING_SLOT, now=now)


async def renew_running(session: AsyncSession, *, claim_id: int, now: datetime) -> None:
    """Tell other servers the run holding this claim is still alive."""
    await session.execute(update(JobRun).where(JobRun.id == claim_id).values(claimed_at=now))


async def release_running(session: AsyncSession, *, claim_id: int) -> None:
    """Give the claim up at the end of the run (whatever its outcome)."""
    await session.execute(delete(JobRun).where(JobRun.id == claim_id))


@asynccontextmanager
async def one_run_at_a_time(units: UnitsOfWork, *, group: str, target: str) -> AsyncIterator[bool]:
    """Hold the running claim of (group, target) for a block; yields False if it is taken."""
    async with units() as uow:
        claim_id = await claim_running(uow.session, group=group, target=target, now=uow.now())
    try:
        yield claim_id is not None
    finally:
        if claim_id is not None:
            async with units() as uow:
                await release_running(uow.session, claim_id=claim_id)
