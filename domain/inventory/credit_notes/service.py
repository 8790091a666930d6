"""Credit notes (IN-7, BX-1): refund lines of an authorised invoice, optionally restocking.

Amounts: crediting a line's whole remaining quantity credits exactly its remaining amounts;
a part of a line is credited pro rata, tax and total half-up to the cent, net = total - tax.
Restock puts the credited quantity (a kit's components) back on hand, up to what was shipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import InvalidState, InvalidValue
from skuport.domain.inventory.credit_notes.models import CreditNote, CreditNoteLine
from skuport.domain.inventory.products.models import Product
from skuport.domain.inventory.records import load
from skuport.domain.inventory.sales.holdings import sale_holdings
from skuport.domain.inventory.sales.invoicing import get_invoice
from skuport.domain.inventory.sales.models import InvoiceStatus, SaleLine
from skuport.domain.inventory.sales.service import get_sale, stock_needs
from skuport.domain.inventory.stock.ledger import lock_products, record_movement
from skuport.domain.inventory.stock.models import Location, MovementKind
from skuport.domain.inventory.values import decimal_value, optional_text, to_cents


@dataclass(frozen=True)
class CreditLine:
    """Credit `quantity` of one sale line (charges have quantity 1)."""

    sale_line_id: int
    quantity: Decimal


@dataclass
class _Credited:
    quantity: Decimal = Decimal(0)
    net: Decimal = Decimal(0)
    tax: Decimal = Decimal(0)
    total: Decimal = Decimal(0)


async def _already_credited(session: AsyncSession, invoice_id: int) -> dict[int, _Credited]:
    rows = await session.execute(
        select(
            CreditNoteLine.sale_line_id,
            func.sum(CreditNoteLine.quantity),
            func.sum(CreditNoteLine.net),
            func.sum(CreditNoteLine.tax),
            func.sum(CreditNoteLine.total),
        )
        .join(CreditNote, CreditNote.id == CreditNoteLine.credit_note_id)
        .where(CreditNote.invoice_id == invoice_id)
        .group_by(CreditNoteLine.sale_line_id)
    )
    return {line_id: _Credited(q, n, t, tt) for line_id, q, n, t, tt in rows}


def _credit_amounts(line: SaleLine, quantity: Decimal, before: _Credited) -> CreditNoteLine:
    if quantity == line.quantity - before.quantity:
        net, tax = line.net - before.net, line.tax - before.tax
        total = line.total - before.total
    else:
        tax = to_cents(line.tax * quantity / line.quantity)
        total = to_cents(line.total * quantity / line.quantity)
        net = total - tax
    return CreditNoteLine(sale_line_id=line.id, quantity=quantity, net=net, tax=tax, total=total)


async def create_credit_note(
    session: AsyncSession,
    *,
    invoice_id: int,
    lines: Sequence[CreditLine],
    restock: bool = False,
    location_id: int | None = None,
    reason: str = "",
) -> CreditNote:
    """Credit lines of an authorised invoice; with `restock`, credited goods return to stock."""
    reason = optional_text(reason, field="reason", max_length=400)
    invoice = await get_invoice(session, invoice_id=invoice_id, lock=True)
    if invoice.status != InvoiceStatus.AUTHORISED:
        raise InvalidState("invoice_id", f"{invoice.number} is {invoice.status}, not authorised")
    if not lines:
        raise InvalidValue("lines", "a credit note needs at least one line")
    sale = await get_sale(session, sale_id=invoice.sale_id)
    sale_lines = {line.id: line for line in sale.lines}
    before = await _already_credited(session, invoice.id)
    credit_lines: list[CreditNoteLine] = []
    seen: set[int] = set()
    for index, requested in enumerate(lines):
        field = f"lines[{index}]"
        line = sale_lines.get(requested.sale_line_id)
        if line is None or line.id in seen:
            raise InvalidValue(
                f"{field}.sale_line_id", f"not a line of {sale.number}, or listed twice"
            )
        seen.add(line.id)
        quantity = decimal_value(requested.quantity, field=f"{field}.quantity", positive=True)
        done = before.get(line.id, _Credited())
        if quantity > line.quantity - done.quantity:
            raise InvalidValue(
                f"{field}.quantity",
                f"only {line.quantity - done.quantity} of line {index} is left to credit",
            )
        credit_lines.append(_credit_amounts(line, quantity, done))
    location = sale.location_id
    if restock and location_id is not None:
        location = (await load(session, Location, location_id, field="location_id")).id
    note = CreditNote(
        invoice_id=invoice.id,
        sale_id=sale.id,
        reason=reason,
        restock=restock,
        location_id=location if restock else None,
        subtotal=sum((c.net for c in credit_lines), Decimal("0.00")),
        tax_total=sum((c.tax for c in credit_lines), Decimal("0.00")),
        total=sum((c.total for c in credit_lines), Decimal("0.00")),
        lines=credit_lines,
    )
    if restock:
        await _restock(session, note, sale_lines, location, sale.id)
    session.add(note)
    invoice.credit_notes.append(note)
    await session.flush()
    return note


async def _restock(
    session: AsyncSession,
    note: CreditNote,
    sale_lines: dict[int, SaleLine],
    location_id: int,
    sale_id: int,
) -> None:
    """Return credited goods to stock; only what was shipped and not yet restocked."""
    holdings = await sale_holdings(session, sale_id=sale_id)
    returnable: dict[tuple[int, int], Decimal] = {}
    for h in holdings:
        key = (h.sale_line_id, h.product_id)
        returnable[key] = returnable.get(key, Decimal(0)) + h.shipped - h.restocked
    moves: list[tuple[int, int, Decimal]] = []
    for index, credit in enumerate(note.lines):
        line = sale_lines[credit.sale_line_id]
        if line.product_id is None:
            continue
        product = await load(session, Product, line.product_id, field="product_id")
        for product_id, per_line in stock_needs(line, product):
            quantity = per_line / line.quantity * credit.quantity
            if quantity > returnable.get((line.id, product_id), Decimal(0)):
                raise InvalidState(
                    f"lines[{index}].quantity", "only shipped goods can be restocked"
                )
            moves.append((line.id, product_id, quantity))
    await lock_products(session, [product_id for _, product_id, _ in moves])
    session.add(note)
    await session.flush()
    for line_id, product_id, quantity in moves:
        record_movement(
            session,
            kind=MovementKind.RESTOCK,
            product_id=product_id,
            location_id=location_id,
            on_hand=quantity,
            sale_id=sale_id,
            sale_line_id=line_id,
            credit_note_id=note.id,
            reason=note.reason,
        )
