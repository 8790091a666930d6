"""Void a sale task (IN-5): release its allocations, put shipped stock back, keep the record."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from domain.db.base import utcnow
from domain.inventory.errors import InvalidState
from domain.inventory.purchasing.service import cancel_drop_ship_orders
from domain.inventory.sales.holdings import sale_holdings
from domain.inventory.sales.invoicing import find_invoice, get_invoice
from domain.inventory.sales.models import InvoiceStatus, Sale, SaleStatus
from domain.inventory.sales.service import get_sale
from domain.inventory.stock.ledger import lock_products, record_movement
from domain.inventory.stock.models import MovementKind
from domain.inventory.values import optional_text


async def void_sale(session: AsyncSession, *, sale_id: int, reason: str = "") -> Sale:
    """Void a sale: reverse every stock movement it made; its documents stay, marked voided."""
    reason = optional_text(reason, field="reason", max_length=400)
    sale = await get_sale(session, sale_id=sale_id, lock=True)
    if sale.status == SaleStatus.VOIDED:
        raise InvalidState("sale_id", f"{sale.number} is already voided")
    invoice = await find_invoice(session, sale_id=sale.id)
    if invoice is not None:
        # Locked so that a payment racing with the void is either seen here or refused.
        invoice = await get_invoice(session, invoice_id=invoice.id, lock=True)
    if invoice is not None and invoice.payments:
        raise InvalidState(
            "sale_id", f"{sale.number} has payments of {invoice.paid}; a paid sale is credited"
        )
    if invoice is not None and invoice.credit_notes:
        raise InvalidState("sale_id", f"{sale.number} has credit notes; it cannot be voided")
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
    if invoice is not None:
        invoice.status = InvoiceStatus.VOIDED
    await cancel_drop_ship_orders(session, sale_id=sale.id)
    sale.status = SaleStatus.VOIDED
    sale.voided_at = utcnow()
    sale.void_reason = reason
    await session.flush()
    return sale
