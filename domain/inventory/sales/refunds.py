"""Refund an invoice's payments (IN-5): each payment reversed to the account it came into.

A refund is recorded, never a deletion: a payment of the negative amount naming the payment it
reverses (`refund_of_id`), so the invoice shows paid 0 and refunded the money given back.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from domain.db.base import utcnow
from domain.inventory.sales.models import Invoice, Payment


def _refund_reference(payment: Payment, reason: str) -> str:
    said = f"refund of payment {payment.id}"
    if payment.reference:
        said += f" ({payment.reference})"
    if reason:
        said += f": {reason}"
    return said[:200]


async def refund_payments(
    session: AsyncSession,
    *,
    invoice: Invoice,
    reason: str = "",
    refunded_at: datetime | None = None,
) -> Decimal:
    """Reverse every payment of the (locked) invoice not reversed yet; returns the amount."""
    reversed_ids = {p.refund_of_id for p in invoice.payments if p.refund_of_id is not None}
    to_reverse = [
        p for p in invoice.payments if p.refund_of_id is None and p.id not in reversed_ids
    ]
    at = refunded_at or utcnow()
    total = Decimal("0.00")
    for payment in to_reverse:
        refund = Payment(
            invoice_id=invoice.id,
            account_id=payment.account_id,
            amount=-payment.amount,
            paid_at=at,
            reference=_refund_reference(payment, reason),
            refund_of_id=payment.id,
        )
        session.add(refund)
        invoice.payments.append(refund)
        total += payment.amount
    await session.flush()
    return total
