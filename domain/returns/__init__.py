"""Refunds and returns from Amazon into the back office (BX-1): what the API calls.

- `list_refunds` / `list_returns`: what the `returns` job has seen, for paging by id.
- `returns_audit`: the four lists of the returns audit (see `audit.py`).
- `confirm_return_received`: an FBM return received, when the store confirms receipts by hand.
- `retry_refund`: credit again a refund that needed attention, once what blocked it is fixed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.returns.audit import ReturnsAudit, returns_audit
from skuport.domain.returns.models import (
    AmazonReimbursement,
    CustomerReturn,
    RefundStatus,
    ReturnChannel,
    ReturnedRefund,
    ReturnState,
)

__all__ = [
    "AmazonReimbursement",
    "CustomerReturn",
    "RefundStatus",
    "ReturnChannel",
    "ReturnState",
    "ReturnedRefund",
    "ReturnsAudit",
    "confirm_return_received",
    "list_refunds",
    "list_returns",
    "retry_refund",
    "returns_audit",
]


async def list_refunds(
    session: AsyncSession,
    *,
    store_id: int,
    status: RefundStatus | None = None,
    limit: int = 50,
    after: int | None = None,
) -> list[ReturnedRefund]:
    """The store's refunds seen at Amazon, oldest first; `after` is the last id already shown."""
    statement = select(ReturnedRefund).where(ReturnedRefund.store_id == store_id)
    if status is not None:
        statement = statement.where(ReturnedRefund.status == status)
    if after is not None:
        statement = statement.where(ReturnedRefund.id > after)
    rows = await session.scalars(statement.order_by(ReturnedRefund.id).limit(limit))
    return list(rows)


async def list_returns(
    session: AsyncSession,
    *,
    store_id: int,
    state: ReturnState | None = None,
    channel: ReturnChannel | None = None,
    amazon_order_id: str | None = None,
    limit: int = 50,
    after: int | None = None,
) -> list[CustomerReturn]:
    """The store's customer returns, oldest first; `after` is the last id already shown."""
    statement = select(CustomerReturn).where(CustomerReturn.store_id == store_id)
    if state is not None:
        statement = statement.where(CustomerReturn.state == state)
    if channel is not None:
        statement = statement.where(CustomerReturn.channel == channel)
    if amazon_order_id is not None:
        statement = statement.where(CustomerReturn.amazon_order_id == amazon_order_id)
    if after is not None:
        statement = statement.where(CustomerReturn.id > after)
    rows = await session.scalars(statement.order_by(CustomerReturn.id).limit(limit))
    return list(rows)


async def confirm_return_received(
    session: AsyncSession,
    *,
    return_id: int,
    quantity: int,
    condition: str,
    now: datetime | None = None,
) -> CustomerReturn:
    """An FBM return arrived: restock `quantity` by `condition` ("SELLABLE" or unsellable)."""
    from skuport.domain.returns.restock import confirm_received

    return await confirm_received(
        session, return_id=return_id, quantity=quantity, condition=condition, now=now
    )


async def retry_refund(
    session: AsyncSession, *, refund_id: int, now: datetime | None = None
) -> ReturnedRefund:
    """Credit a refund that needed attention again (after capturing its order, say)."""
    from skuport.domain.returns.refunds import retry

    return await retry(session, refund_id=refund_id, now=now)
