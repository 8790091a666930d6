"""What the `returns` job leaves behind, set up for API and widget tests (BX-1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.returns import (
    CustomerReturn,
    RefundStatus,
    ReturnChannel,
    ReturnedRefund,
    ReturnState,
)


def _refund(store_id: int, order: str, now: datetime, **values: object) -> ReturnedRefund:
    return ReturnedRefund(
        **{
            "store_id": store_id,
            "refund_key": f"adj-{order}",
            "amazon_order_id": order,
            "marketplace_id": "ATVPDKIKX0DER",
            "posted_at": now - timedelta(days=1),
            "currency": "USD",
            "amount": Decimal("-21.50"),
            "quantity": 1,
            "status": RefundStatus.CREDITED,
            "first_seen_at": now,
            "updated_at": now,
            **values,
        }
    )


def _return(store_id: int, order: str, sku: str, now: datetime, **values: object) -> CustomerReturn:
    return CustomerReturn(
        **{
            "store_id": store_id,
            "return_key": f"{order}|{sku}",
            "channel": ReturnChannel.FBA,
            "amazon_order_id": order,
            "sku": sku,
            "quantity": 1,
            "return_date": now - timedelta(days=2),
            "disposition": "SELLABLE",
            "reason": "UNWANTED_ITEM",
            "state": ReturnState.RESTOCKED,
            "restocked_quantity": 1,
            "first_seen_at": now,
            "updated_at": now,
            **values,
        }
    )


async def seed_returns(s: AsyncSession, sid: int, now: datetime | None = None) -> None:
    """A credited refund with its return, a blocked refund, an old returnless refund, a damaged
    FBA return, a revised restock and an FBM return waiting for confirmation; `now` is the
    server's clock (the wall clock by default)."""
    now = now or datetime.now(UTC)
    s.add_all(
        [
            _refund(sid, "111-CREDITED", now),
            _refund(
                sid,
                "111-NEVER-CAPTURED",
                now,
                status=RefundStatus.NEEDS_ATTENTION,
                problem="the order was never captured as a sale",
            ),
            _refund(sid, "111-RETURNLESS", now, posted_at=now - timedelta(days=90)),
            _return(sid, "111-CREDITED", "MUG", now),
            _return(
                sid,
                "111-DAMAGED",
                "CAP",
                now,
                disposition="DAMAGED",
                state=ReturnState.AWAITING_REIMBURSEMENT,
                restocked_quantity=0,
            ),
            _return(
                sid,
                "111-REVISED",
                "MUG",
                now,
                disposition="CUSTOMER_DAMAGED",
                revised_after_restock=True,
            ),
            _return(
                sid,
                "111-FBM",
                "MUG",
                now,
                channel=ReturnChannel.MFN,
                quantity=2,
                disposition="",
                state=ReturnState.AWAITING_RECEIPT,
                restocked_quantity=0,
            ),
        ]
    )
