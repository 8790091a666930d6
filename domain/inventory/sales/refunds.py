"""Refund an invoice's payments (IN-5): each payment reversed to the account it came into.

A refund is recorded, never a deletion: a payment of the negative amount naming the payment it
reverses (`refund_of_id`), so the invoice shows paid 0 and refunded the money given back.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.inventory.sales.models import Invoice, Payment
from skuport.domain.unit_of_work import now_of


def _refund_reference(payment: Payment, reason: str) -> str:
    said = f"refund of payment {payment.id}"
    if payment.reference:
        said += f" ({payment.reference})"
    if reason:
        said += f": {reason}"
    return said[:200]


async def refund_payment(
    session: AsyncSession,
    *,
    invoice: Invoice,
    payment: Payment,
    reason: str = "",
    refunded_at: datetime | None = None,
) -> Decimal:
    """Reverse one payment of the (locked) invoice; 0 when it is a refund or already reversed."""
    reversed_ids = {p.refund_of_id for p in invoice.payments if p.refund_of_id is not None}
    if payment.refund_of_id is not None or payment.id in reversed_ids:
        return Decimal("0.00")
    refund = Payment(
        invoice_id=invoice.id,
        account_id=payment.account_id,
        amount=-payment.amount,
        paid_at=refunded_at or now_of(session),
        reference=_refund_reference(payment, reason),
        refund_of_id=payment.id,
    )
    session.add(refund)
    invoice.payments.append(refund)
    await session.flush()
    return payment.amount


async def refund_payments(
    session: AsyncSession,
    *,
    invoice: Invoice,
    reason: str = "",
    refunded_at: datetime | None = None,
) -> Decimal:
    """Reverse every payment of the (locked) invoice not reversed yet; returns the amount."""
    at = refunded_at or now_of(session)
    total = Decimal("0.00")
    for payment in list(invoice.payments):
        total += await refund_payment(
            session, invoice=invoice, payment=payment, reason=reason, refunded_at=at
        )
    return total
