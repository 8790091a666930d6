"""The `returns` job (BX-1): daily per store and on demand, one run at a time per store.

It reads Amazon's refunds, reimbursements and both returns reports for the last weeks (Amazon
revises older rows, so recent weeks are read again) with no transaction open, then applies
each row in its own unit of work: a row seen before changes nothing, a revised one what it
changed, and a row that fails is noted in the run without stopping the others.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.amazon import returns as amazon
from skuport.domain.errors import DomainError
from skuport.domain.jobs import DailyAt, JobContext, JobSpec, JobTarget
from skuport.domain.returns.refunds import apply_refund
from skuport.domain.returns.restock import (
    apply_fba_return,
    apply_mfn_return,
    apply_reimbursement,
)
from skuport.domain.stores.models import Store, StoreStatus

RETURNS_GROUP = "returns"
LOOKBACK_DAYS = 45  # Amazon's return window and its revisions of older rows
RETURNS_AT = time(5, 0)  # local time of the daily run
FINANCES_DELAY = timedelta(minutes=3)  # the Finances API wants an end two minutes in the past


async def returns_targets(session: AsyncSession) -> list[JobTarget]:
    """One target per connected store, daily in the store's time zone."""
    stores = await session.scalars(
        select(Store).where(Store.status == StoreStatus.CONNECTED).order_by(Store.id)
    )
    return [
        JobTarget(
            key=str(store.id),
            label=store.name,
            schedule=DailyAt(at=RETURNS_AT, timezone=store.settings.timezone),
        )
        for store in stores
    ]


Applier = Callable[..., Awaitable[Any]]


async def _apply_all(
    context: JobContext, *, store_id: int, rows: list[Any], apply: Applier, what: str
) -> int:
    """Apply each row in its own unit of work; returns how many went in."""
    done = 0
    for row in rows:
        try:
            async with context.units() as uow:
                store = await uow.session.get(Store, store_id)
                if store is None:
                    return done
                await apply(uow.session, store=store, row=row)
            done += 1
        except DomainError as exc:
            context.run.error(f"{what} {getattr(row, 'order_id', '')}", exc.message)
    context.run.processed += done
    return done


async def _refund(session: AsyncSession, *, store: Store, row: amazon.AmazonRefund) -> None:
    await apply_refund(session, store=store, refund=row)


async def read_and_apply(context: JobContext, *, store_id: int, now: datetime) -> str:
    """Read the store's refunds and returns since LOOKBACK_DAYS and apply them."""
    async with context.units.reading() as session:
        store = await session.get(Store, store_id)
        if store is None:
            return "the store no longer exists"
        client = context.services["amazon"].client_for(store)
    start, end = now - timedelta(days=LOOKBACK_DAYS), now - FINANCES_DELAY
    refunds = await amazon.list_refunds(client, posted_after=start, posted_before=end)
    reimbursements = await amazon.list_reimbursements(client, posted_after=start, posted_before=end)
    fba = await amazon.read_fba_returns(client, start=start, end=now)
    mfn = await amazon.read_mfn_returns(client, start=start, end=now)
    context.run.expect(len(refunds) + len(reimbursements) + len(fba) + len(mfn))
    counts = [
        await _apply_all(context, store_id=store_id, rows=reimbursements,
                         apply=apply_reimbursement, what="reimbursement"),
        await _apply_all(context, store_id=store_id, rows=refunds, apply=_refund, what="refund"),
        await _apply_all(context, store_id=store_id, rows=fba, apply=apply_fba_return,
                         what="FBA return"),
        await _apply_all(context, store_id=store_id, rows=mfn, apply=apply_mfn_return,
                         what="FBM return"),
    ]  # fmt: skip
    return (
        f"{counts[1]} refunds, {counts[2]} FBA returns, {counts[3]} FBM returns and "
        f"{counts[0]} reimbursements read"
    )


async def run_returns(context: JobContext) -> None:
    """The job's function: the target store's refunds and returns."""
    assert context.target is not None
    context.run.message = await read_and_apply(
        context, store_id=int(context.target.key), now=context.clock.now()
    )


RETURNS = JobSpec(
    name="returns",
    # BX-1
    description="Read the store's Amazon refunds, returns and reimbursements (daily)",
    run=run_returns,
    targets=returns_targets,
    one_at_a_time=RETURNS_GROUP,
    doing="the refunds and returns reading",
)
