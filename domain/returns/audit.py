"""The returns audit (BX-1): four lists of what does not add up between refunds and returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.returns.models import CustomerReturn, ReturnedRefund, ReturnState

# A refund is usually followed by its return within this many days (Amazon's 30-day window
# plus transit); after it, a refund without a return is worth a look.
REFUND_WITHOUT_RETURN_DAYS = 45


@dataclass(frozen=True)
class ReturnsAudit:
    """Returns without refund, refunds without return after `days`, DAMAGED units never
    reimbursed, and sellable restocks Amazon later revised."""

    returns_without_refund: list[CustomerReturn]
    refunds_without_return: list[ReturnedRefund]
    damaged_without_reimbursement: list[CustomerReturn]
    revised_after_restock: list[CustomerReturn]
    days: int


async def returns_audit(
    session: AsyncSession,
    *,
    store_id: int,
    now: datetime,
    days: int = REFUND_WITHOUT_RETURN_DAYS,
) -> ReturnsAudit:
    """The store's returns audit as of `now`."""
    refunded = exists().where(
        and_(
            ReturnedRefund.store_id == CustomerReturn.store_id,
            ReturnedRefund.amazon_order_id == CustomerReturn.amazon_order_id,
        )
    )
    returned = exists().where(
        and_(
            CustomerReturn.store_id == ReturnedRefund.store_id,
            CustomerReturn.amazon_order_id == ReturnedRefund.amazon_order_id,
        )
    )
    of_store = CustomerReturn.store_id == store_id
    without_refund = await session.scalars(
        select(CustomerReturn).where(of_store, ~refunded).order_by(CustomerReturn.id)
    )
    cutoff = now - timedelta(days=days)
    without_return = await session.scalars(
        select(ReturnedRefund)
        .where(
            ReturnedRefund.store_id == store_id,
            ReturnedRefund.posted_at.is_not(None),
            ReturnedRefund.posted_at < cutoff,
            ~returned,
        )
        .order_by(ReturnedRefund.id)
    )
    damaged = await session.scalars(
        select(CustomerReturn)
        .where(of_store, CustomerReturn.state == ReturnState.AWAITING_REIMBURSEMENT)
        .order_by(CustomerReturn.id)
    )
    revised = await session.scalars(
        select(CustomerReturn)
        .where(of_store, CustomerReturn.revised_after_restock.is_(True))
        .order_by(CustomerReturn.id)
    )
    return ReturnsAudit(
        returns_without_refund=list(without_refund),
        refunds_without_return=list(without_return),
        damaged_without_reimbursement=list(damaged),
        revised_after_restock=list(revised),
        days=days,
    )
