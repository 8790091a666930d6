"""Void a sale task (IN-5): release its allocations, put shipped stock back, keep the record.

Also: release what some lines of a live sale hold but never shipped (`release_unshipped`),
for lines that will not ship any more (a cancelled order's lines on a consolidated sale).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import InvalidState, InvalidValue
from skuport.domain.inventory.purchasing.service import cancel_drop_ship_orders
from skuport.domain.inventory.sales.holdings import sale_holdings
from skuport.domain.inventory.sales.invoicing import find_invoice, get_invoice
from skuport.domain.inventory.sales.models import Invoice, InvoiceStatus, Sale, SaleStatus
from skuport.domain.inventory.sales.refunds import refund_payments as refund_invoice_payments
from skuport.domain.inventory.sales.service import get_sale
from skuport.domain.inventory.stock.ledger import lock_products, record_movement, record_movements
from skuport.domain.inventory.stock.models import MovementKind
from skuport.domain.inventory.values import optional_text
from skuport.domain.unit_of_work import now_of


async def void_sale(
    session: AsyncSession, *, sale_id: int, reason: str = "", refund_payments: bool = False
) -> Sale:
    """Void a sale: reverse every stock movement it made; its documents stay, marked voided.

    A paid sale is refused, unless `refund_payments`: then each payment is first reversed by a
    refund to the same account (the invoice ends paid 0, the payments kept). A sale with credit
    notes is always refused: it has been (partly) refunded by a credit note already.
    """
    reason = optional_text(reason, field="reason", max_length=400)
    sale = await get_sale(session, sale_id=sale_id, lock=True)
    if sale.status == SaleStatus.VOIDED:
        raise InvalidState("sale_id", f"{sale.number} is already voided")
    invoice = await _settle_invoice(session, sale, reason, refund_payments=refund_payments)
    await _reverse_stock(session, sale, reason)
    if invoice is not None:
        invoice.status = InvoiceStatus.VOIDED
    await cancel_drop_ship_orders(session, sale_id=sale.id)
    sale.status = SaleStatus.VOIDED
    sale.voided_at = now_of(session)
    sale.void_reason = reason
    await session.flush()
    return sale


async def _settle_invoice(
    session: AsyncSession, sale: Sale, reason: str, *, refund_payments: bool
) -> Invoice | None:
    """The sale's invoice, locked, once voiding it is allowed and its payments are refunded."""
    invoice = await find_invoice(session, sale_id=sale.id)
    if invoice is None:
        return None
    # Locked so that a payment racing with the void is either seen here or refused.
    invoice = await get_invoice(session, invoice_id=invoice.id, lock=True)
    paid = invoice.paid != 0
    if paid and not refund_payments:
        raise InvalidState(
            "sale_id",
            f"{sale.number} has payments of {invoice.paid}; a paid sale is credited, or "
            "voided with its payments refunded",
        )
    if invoice.credit_notes:
        raise InvalidState("sale_id", f"{sale.number} has credit notes; it cannot be voided")
    if paid:
        await refund_invoice_payments(session, invoice=invoice, reason=reason)
    return invoice


async def _reverse_stock(session: AsyncSession, sale: Sale, reason: str) -> None:
    """Release what the sale holds and put what it shipped back on hand."""
    holdings = await sale_holdings(session, sale_id=sale.id)
    await lock_products(session, [h.product_id for h in holdings])
    for holding in holdings:
        common = {
            "product_id": holding.product_id,
            "location_id": holding.location_id,
            "sale_id": sale.id,
            "sale_line_id": holding.sale_line_id,
            "reason": reason,
        }
        if holding.allocated or holding.picked:
            record_movement(
                session,
                kind=MovementKind.RELEASE,
                allocated=-holding.allocated,
                picked=-holding.picked,
                **common,  # type: ignore[arg-type]
            )
        if holding.shipped:
            record_movement(
                session,
                kind=MovementKind.VOID_REVERSAL,
                on_hand=holding.shipped,
                **common,  # type: ignore[arg-type]
            )


@dataclass(frozen=True)
class Released:
    """Stock one sale line no longer holds: `allocated` units, `picked` of them picked."""

    sale_line_id: int
    product_id: int
    location_id: int
    allocated: Decimal
    picked: Decimal


async def release_unshipped(
    session: AsyncSession, *, sale_id: int, sale_line_ids: Iterable[int], reason: str = ""
) -> list[Released]:
    """Release what the lines hold but never shipped (allocated, picked); shipped stays shipped.

    The lines stay on the sale (their invoice amounts are a credit note's business); later
    picks and shipments of the sale leave them out, since they hold nothing any more.
    Returns what was released, one per line and product (a kit's components), maybe nothing.
    """
    reason = optional_text(reason, field="reason", max_length=400)
    sale = await get_sale(session, sale_id=sale_id, lock=True)
    if sale.status == SaleStatus.VOIDED:
        raise InvalidState("sale_id", f"{sale.number} is voided")
    wanted = set(sale_line_ids)
    unknown = wanted - {line.id for line in sale.lines}
    if unknown:
        raise InvalidValue("sale_line_ids", f"{sorted(unknown)} are not lines of {sale.number}")
    holdings = [
        h
        for h in await sale_holdings(session, sale_id=sale.id)
        if h.sale_line_id in wanted and (h.allocated or h.picked)
    ]
    await lock_products(session, [h.product_id for h in holdings])
    released = [
        Released(h.sale_line_id, h.product_id, h.location_id, h.allocated, h.picked)
        for h in holdings
    ]
    await record_movements(
        session,
        kind=MovementKind.RELEASE,
        movements=[
            {
                "product_id": r.product_id,
                "location_id": r.location_id,
                "allocated": -r.allocated,
                "picked": -r.picked,
                "sale_id": sale.id,
                "sale_line_id": r.sale_line_id,
                "reason": reason,
            }
            for r in released
        ],
    )
    await session.flush()
    return released
