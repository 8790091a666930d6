"""OR-9: an Amazon cancellation drops the pending order, voids the sale, or reverses its lines.

A paid sale of its own (NONE) is voided with its payments refunded; a sale the user has fully
credited is kept and its unshipped stock released; a partly credited one waits for the user
(`cancelled_after_payment`). On a consolidated (DAILY) sale the order's lines are taken out:
unpaid, the sale is made again without them; paid, they are credited and their stock released.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.inventory.credit_notes.models import CreditNote
from skuport.domain.inventory.credit_notes.service import CreditLine, create_credit_note
from skuport.domain.inventory.products.models import Product
from skuport.domain.inventory.reference.service import Address
from skuport.domain.inventory.sales.holdings import sale_holdings
from skuport.domain.inventory.sales.invoicing import find_invoice, get_invoice, invoice_sale
from skuport.domain.inventory.sales.lines import ChargeLine, ProductLine, SaleLineInput, ServiceLine
from skuport.domain.inventory.sales.models import (
    Invoice,
    InvoiceStatus,
    LineKind,
    Sale,
    SaleLine,
    SaleStatus,
)
from skuport.domain.inventory.sales.refunds import refund_payment
from skuport.domain.inventory.sales.service import create_sale, get_sale
from skuport.domain.inventory.sales.voiding import Released, release_unshipped, void_sale
from skuport.domain.inventory.stock.reservations import release_reservation, reserved_stock
from skuport.domain.orders.capture import OrderSkipped, SkipReason
from skuport.domain.orders.models import LogState, OrderFulfilment, OrderLogEntry, PendingOrder
from skuport.domain.orders.processing import consolidated_prefix, fulfil_for_store
from skuport.domain.stores.models import Store


async def drop_pending(session: AsyncSession, *, entry: OrderLogEntry) -> None:
    """Remove the entry's pending order and give its allocated stock back."""
    pending = await session.scalar(
        select(PendingOrder).where(PendingOrder.log_entry_id == entry.id)
    )
    if pending is None:
        return
    if pending.reservation and await reserved_stock(session, reference=pending.reservation):
        await release_reservation(
            session, reference=pending.reservation, reason="Amazon order cancelled"
        )
    await session.delete(pending)
    await session.flush()


async def cancel_captured(session: AsyncSession, *, store: Store, entry: OrderLogEntry) -> str:
    """Undo a captured order that Amazon cancelled; returns what was done, for the log."""
    if entry.state in (LogState.CANCELLED, LogState.VOIDED):
        return "already cancelled"
    if entry.state is LogState.PENDING or entry.sale_id is None:
        await drop_pending(session, entry=entry)
        entry.state = LogState.CANCELLED
        entry.note = "cancelled on Amazon: pending order removed, stock released"
        return entry.note
    sale = await get_sale(session, sale_id=entry.sale_id)
    if sale.status is SaleStatus.VOIDED:
        entry.state, entry.note = LogState.VOIDED, f"{sale.number} was already voided"
        return entry.note
    invoice = await find_invoice(session, sale_id=sale.id)
    if sale.reference != entry.amazon_order_id:
        if invoice is None or not (invoice.payments or invoice.credit_notes):
            return await _rebuild_without(session, store=store, entry=entry, sale=sale)
        return await _reverse_lines(session, entry=entry, sale_number=sale.number, invoice=invoice)
    if invoice is not None and invoice.credit_notes:
        return await _credited(session, entry=entry, sale=sale, invoice=invoice)
    refunded = invoice.paid if invoice is not None else Decimal(0)
    # A paid sale (PA-1) is voided with its payments refunded to the account they came into.
    await void_sale(
        session,
        sale_id=sale.id,
        reason=f"Amazon order {entry.amazon_order_id} cancelled",
        refund_payments=True,
    )
    entry.state = LogState.VOIDED
    entry.note = f"cancelled on Amazon: {sale.number} voided, stock returned"
    if refunded:
        entry.note += f"; payments of {refunded:.2f} {sale.currency} refunded"
    return entry.note


async def _credited(
    session: AsyncSession, *, entry: OrderLogEntry, sale: Sale, invoice: Invoice
) -> str:
    """A sale the user has credited: kept, and what it still holds unshipped is released.

    A credit note for only part of the sale leaves the rest of it owed and paid: whether to
    credit the rest (and restock what shipped) is the finance user's call, so it waits.
    """
    if invoice.credited < invoice.total:
        raise OrderSkipped(
            SkipReason.CANCELLED_AFTER_PAYMENT,
            f"{sale.number} is only partly credited ({invoice.credited} of {invoice.total}); "
            "credit the rest, then retry this item",
        )
    released = await release_unshipped(
        session,
        sale_id=sale.id,
        sale_line_ids=[line.id for line in sale.lines],
        reason=f"Amazon order {entry.amazon_order_id} cancelled",
    )
    entry.state = LogState.VOIDED
    entry.note = (
        f"cancelled on Amazon: {sale.number} credited ({invoice.credited}), kept; "
        f"{await _describe(session, released)}"
    )
    return entry.note


async def _describe(session: AsyncSession, released: list[Released]) -> str:
    """What `release_unshipped` gave back, by SKU, for a log note."""
    units: dict[int, Decimal] = {}
    for item in released:
        units[item.product_id] = units.get(item.product_id, Decimal(0)) + item.allocated
    units = {product_id: quantity for product_id, quantity in units.items() if quantity}
    if not units:
        return "nothing unshipped to release"
    rows = await session.execute(select(Product.id, Product.sku).where(Product.id.in_(list(units))))
    skus = {product_id: sku for product_id, sku in rows}
    said = ", ".join(
        f"{quantity.normalize():f} of {skus.get(product_id, product_id)}"
        for product_id, quantity in sorted(units.items())
    )
    return f"unshipped stock released: {said}"


def _as_input(line: SaleLine) -> SaleLineInput:
    """A sale line as it was asked for, to make it again on another sale."""
    tax = line.tax if line.tax_given else None
    if line.kind is LineKind.CHARGE:
        return ChargeLine(
            kind=line.charge_kind,  # type: ignore[arg-type]
            amount=line.unit_price,
            tax_rule_id=line.tax_rule_id,
            tax_amount=tax,
            description=line.description,
        )
    if line.kind is LineKind.SERVICE or line.product_id is None:
        return ServiceLine(
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            tax_rule_id=line.tax_rule_id,
            tax_amount=tax,
            discount_percent=line.discount_percent,
            sku=line.sku,
        )
    return ProductLine(
        product_id=line.product_id,
        quantity=line.quantity,
        unit_price=line.unit_price,
        discount_percent=line.discount_percent,
        tax_rule_id=line.tax_rule_id,
        tax_amount=tax,
        description=line.description,
    )


async def _rebuild_without(
    session: AsyncSession, *, store: Store, entry: OrderLogEntry, sale: Sale
) -> str:
    """An unpaid consolidated sale: void it and make it again without the cancelled order.

    Voiding gives back everything the sale allocated, picked or shipped; the new sale allocates
    what the other orders still need, so stock ends exactly right (OR-9 for DAILY).
    """
    prefix = consolidated_prefix(entry.amazon_order_id)
    keep = [_as_input(line) for line in sale.lines if not line.description.startswith(prefix)]
    others = list(
        await session.scalars(
            select(OrderLogEntry).where(
                OrderLogEntry.sale_id == sale.id, OrderLogEntry.id != entry.id
            )
        )
    )
    await void_sale(
        session, sale_id=sale.id, reason=f"Amazon order {entry.amazon_order_id} cancelled"
    )
    entry.state = LogState.VOIDED
    if not keep:
        entry.note = f"cancelled on Amazon: consolidated {sale.number} voided (its only order)"
        return entry.note
    again = await create_sale(
        session,
        customer_id=sale.customer_id,
        location_id=sale.location_id,
        lines=keep,
        price_tier_id=sale.price_tier_id,
        currency=sale.currency,
        sales_rep=sale.sales_rep,
        revenue_account_id=sale.revenue_account_id,
        reference=sale.reference,
        ordered_at=sale.ordered_at,
        billing_name=sale.billing_name,
        shipping_address=Address.from_dict(sale.shipping_address)
        if sale.shipping_address
        else None,
    )
    fba = all(other.fulfilment is OrderFulfilment.FBA for other in others)
    await fulfil_for_store(
        session, store=store, sale=again, fba=fba, entry_ids=[o.id for o in others]
    )
    await invoice_sale(
        session, sale_id=again.id, status=InvoiceStatus(store.settings.invoice_status.value)
    )
    for other in others:
        other.sale_id = again.id
    entry.note = (
        f"cancelled on Amazon: its lines taken out of the day's sale — {sale.number} voided and "
        f"made again without them as {again.number}"
    )
    return entry.note


async def _credit_lines(
    session: AsyncSession, *, sale_id: int, lines: list[SaleLine], invoice: Invoice, reason: str
) -> list[CreditNote]:
    """Credit the order's lines on the invoice, restocking those that shipped."""
    # A sale ships whole, so each line either shipped (restock it) or never did (release it).
    shipped = {
        h.sale_line_id
        for h in await sale_holdings(session, sale_id=sale_id)
        if h.shipped > h.restocked
    }
    # Charges and services go with the restocking note; goods never shipped (or drop-shipped)
    # cannot be restocked, so they are credited on a note of their own.
    restocked = [line for line in lines if line.id in shipped]
    if restocked:
        restocked += [line for line in lines if line.product_id is None]
    notes = []
    for credited, restock in (
        (restocked, True),
        ([line for line in lines if line not in restocked], False),
    ):
        if credited:
            notes.append(
                await create_credit_note(
                    session,
                    invoice_id=invoice.id,
                    lines=[CreditLine(sale_line_id=x.id, quantity=x.quantity) for x in credited],
                    restock=restock,
                    reason=reason,
                )
            )
    return notes


async def _refund_order_payment(
    session: AsyncSession, *, invoice_id: int, amazon_order_id: str, reason: str
) -> tuple[Invoice, Decimal]:
    """Amazon gives the buyer the order's money back: its payment (PA-1 named it by the
    order) is refunded, so the day's invoice keeps owing nothing rather than going negative.
    The invoice as it now stands, and the amount refunded."""
    refreshed = await get_invoice(session, invoice_id=invoice_id, lock=True)
    refunded = Decimal("0.00")
    for payment in [p for p in refreshed.payments if p.reference == amazon_order_id]:
        refunded += await refund_payment(session, invoice=refreshed, payment=payment, reason=reason)
    return refreshed, refunded


async def _reverse_lines(
    session: AsyncSession, *, entry: OrderLogEntry, sale_number: str, invoice: Invoice
) -> str:
    """A paid consolidated sale: a credit note of the order's lines, restocking what shipped,
    and a release of what those lines hold unshipped, so stock ends exactly right (OR-9)."""
    prefix = consolidated_prefix(entry.amazon_order_id)
    if invoice.status is not InvoiceStatus.AUTHORISED:
        raise OrderSkipped(
            SkipReason.PROCESSING_FAILED,
            f"the order's lines on {sale_number} can only be reversed once its invoice is "
            "authorised; authorise it, then retry this item",
        )
    sale = await get_sale(session, sale_id=invoice.sale_id)
    mine = [line for line in sale.lines if line.description.startswith(prefix)]
    if not mine:
        entry.state = LogState.VOIDED
        entry.note = f"no lines of the order on {sale_number}"
        return entry.note
    reason = f"Amazon order {entry.amazon_order_id} cancelled"
    notes = await _credit_lines(
        session, sale_id=sale.id, lines=mine, invoice=invoice, reason=reason
    )
    released = await release_unshipped(
        session, sale_id=sale.id, sale_line_ids=[line.id for line in mine], reason=reason
    )
    refreshed, refunded = await _refund_order_payment(
        session, invoice_id=invoice.id, amazon_order_id=entry.amazon_order_id, reason=reason
    )
    credited = sum((note.total for note in notes), Decimal("0.00"))
    said = ", ".join(
        f"{note.number}{' (restocking what shipped)' if note.restock else ''}" for note in notes
    )
    entry.state = LogState.VOIDED
    entry.note = (
        f"cancelled on Amazon: its {len(mine)} lines on consolidated {sale_number} reversed by "
        f"credit note {said}, {credited:.2f}; "
        + (f"its payment of {refunded:.2f} refunded; " if refunded else "")
        + f"balance now {refreshed.balance:.2f}; "
        f"{await _describe(session, released)}"
    )
    return entry.note
