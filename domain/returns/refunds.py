"""An Amazon refund into the books (BX-1): a credit note on the order's invoice for exactly
what Amazon refunded, and a refund payment from the store's payment account.

- Each refunded item credits its sale line: Principal (+ Tax where the invoice took Amazon's
  tax figures) as the line's total, Tax as its tax; Shipping / GiftWrap (and their taxes) credit
  the order's charge lines; promotions given back credit its discount lines. Amazon's fees are
  kept in the raw row only: they are not the customer's money.
- On a daily consolidated sale only the lines of that order (named by its prefix) are credited.
- A refund of an order we never captured, or whose invoice cannot be credited, waits in the
  needs-attention queue with its reason; `retry` (or the next read) tries again.
- The same refund read again changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.amazon.returns import AmazonRefund, RefundItem
from skuport.domain.errors import InvalidState, NotFound
from skuport.domain.inventory.credit_notes.models import CreditNote, CreditNoteLine
from skuport.domain.inventory.credit_notes.service import _already_credited, _Credited
from skuport.domain.inventory.sales.models import (
    ChargeKind,
    Invoice,
    InvoiceStatus,
    LineKind,
    Payment,
    Sale,
    SaleLine,
)
from skuport.domain.inventory.values import to_cents
from skuport.domain.orders.attention import flag_order
from skuport.domain.orders.models import AttentionItem, OrderLogEntry
from skuport.domain.orders.processing import consolidated_prefix
from skuport.domain.returns.matching import product_for_sku, raw_of
from skuport.domain.returns.models import RefundStatus, ReturnedRefund
from skuport.domain.stores.models import Store
from skuport.domain.unit_of_work import now_of

ATTENTION_STAGE = "refund"
PRINCIPAL, TAX = "principal", "tax"
_CHARGES = {"shipping": ChargeKind.SHIPPING, "giftwrap": ChargeKind.GIFT_WRAP}


class RefundBlocked(Exception):
    """Why a refund cannot be credited now: `reason` (a code) and `detail` (the seller's words)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail = reason, detail


@dataclass
class _Amount:
    """What Amazon gave back for one sale line: total and tax (positive), and quantity."""

    total: Decimal = Decimal("0.00")
    tax: Decimal = Decimal("0.00")
    tax_given: bool = False
    quantity: Decimal = Decimal(0)


async def apply_refund(
    session: AsyncSession, *, store: Store, refund: AmazonRefund, now: datetime | None = None
) -> ReturnedRefund:
    """Record `refund` once and credit it; seen again, a credited refund changes nothing."""
    at = now or now_of(session)
    row = await session.scalar(
        select(ReturnedRefund).where(
            ReturnedRefund.store_id == store.id, ReturnedRefund.refund_key == refund.refund_key
        )
    )
    if row is not None and row.status is RefundStatus.CREDITED:
        return row
    if row is None:
        row = ReturnedRefund(
            store_id=store.id,
            refund_key=refund.refund_key,
            amazon_order_id=refund.order_id,
            status=RefundStatus.NEEDS_ATTENTION,
            first_seen_at=at,
        )
        session.add(row)
    row.marketplace_id = refund.marketplace_id or ""
    row.posted_at = refund.posted_at
    row.raw = raw_of(refund)
    row.quantity = sum(item.quantity for item in refund.items)
    row.currency = next((c.currency for i in refund.items for c in i.charges), "")
    row.amount = -sum((c.amount for i in refund.items for c in i.charges), Decimal("0.00"))
    row.updated_at = at
    await session.flush()
    await _credit(session, store=store, row=row, refund=refund, now=at)
    return row


async def retry(
    session: AsyncSession, *, refund_id: int, now: datetime | None = None
) -> ReturnedRefund:
    """Credit again a refund that needed attention (still blocked: its new problem is saved)."""
    row = await session.get(ReturnedRefund, refund_id)
    if row is None:
        raise NotFound("refund_id", f"no refund with id {refund_id}")
    if row.status is RefundStatus.CREDITED:
        raise InvalidState("refund_id", "this refund is already credited")
    store = await session.get(Store, row.store_id)
    assert store is not None
    at = now or now_of(session)
    row.updated_at = at
    await _credit(session, store=store, row=row, refund=refund_from_raw(row.raw), now=at)
    return row


async def _credit(
    session: AsyncSession, *, store: Store, row: ReturnedRefund, refund: AmazonRefund, now: datetime
) -> None:
    try:
        note, payment = await _credit_refund(session, store=store, refund=refund, now=now)
    except RefundBlocked as blocked:
        if row.status is RefundStatus.NEEDS_ATTENTION and row.problem == blocked.detail:
            return  # seen again, still blocked for the same reason: nothing new to say
        row.status, row.problem = RefundStatus.NEEDS_ATTENTION, blocked.detail
        await flag_order(
            session,
            store_id=store.id,
            amazon_order_id=refund.order_id,
            marketplace_id=refund.marketplace_id or "",
            stage=ATTENTION_STAGE,
            reason=blocked.reason,
            detail=blocked.detail,
            now=now,
        )
        return
    row.status, row.problem = RefundStatus.CREDITED, ""
    row.amount = note.total
    row.credit_note_id = note.id
    row.payment_id = payment.id if payment is not None else None
    await session.execute(
        delete(AttentionItem).where(
            AttentionItem.store_id == store.id,
            AttentionItem.amazon_order_id == refund.order_id,
            AttentionItem.stage == ATTENTION_STAGE,
        )
    )
    await session.flush()


async def _credit_refund(
    session: AsyncSession, *, store: Store, refund: AmazonRefund, now: datetime
) -> tuple[CreditNote, Payment | None]:
    entry = await session.scalar(
        select(OrderLogEntry).where(
            OrderLogEntry.store_id == store.id, OrderLogEntry.amazon_order_id == refund.order_id
        )
    )
    if entry is None or entry.sale_id is None:
        raise RefundBlocked(
            "refund_of_uncaptured_order",
            f"Amazon refunded order {refund.order_id}, which was never captured as a sale; "
            "capture the order, then retry the refund",
        )
    sale = await session.get(Sale, entry.sale_id)
    invoice = await session.scalar(
        select(Invoice).where(Invoice.sale_id == entry.sale_id).with_for_update()
    )
    if sale is None or invoice is None or invoice.status is not InvoiceStatus.AUTHORISED:
        raise RefundBlocked(
            "refund_invoice_not_authorised",
            f"Amazon refunded order {refund.order_id}, but its sale has no authorised invoice "
            "to credit; authorise the invoice, then retry the refund",
        )
    lines = _order_lines(sale, refund.order_id)
    amounts = await _amounts(session, store=store, lines=lines, refund=refund)
    if not amounts:
        raise RefundBlocked(
            "refund_lines_not_found",
            f"none of the refunded items of order {refund.order_id} is on {sale.number}",
        )
    reason = f"Amazon refund {refund.refund_key} of {refund.order_id}"
    note = await _credit_note(
        session, invoice=invoice, sale=sale, lines=lines, amounts=amounts, reason=reason
    )
    payment = _refund_payment(store, invoice, note, refund=refund, now=now)
    await session.flush()
    return note, payment


def _order_lines(sale: Sale, order_id: str) -> list[SaleLine]:
    """The sale's lines of the order: all of them, or on a consolidated sale its own."""
    prefix = consolidated_prefix(order_id)
    mine = [line for line in sale.lines if line.description.startswith(prefix)]
    return mine or list(sale.lines)


def _kind(name: str) -> str:
    return name.replace("_", "").replace("-", "").replace(" ", "").lower()


async def _amounts(
    session: AsyncSession, *, store: Store, lines: Sequence[SaleLine], refund: AmazonRefund
) -> dict[int, _Amount]:
    """What Amazon gave back per sale line id (positive), from the refund's charges."""
    amounts: dict[int, _Amount] = {}
    for item in refund.items:
        for charge in item.charges:
            line = await _line_for(session, store, lines, item, _kind(charge.kind))
            if line is None or charge.amount == 0:
                continue
            amount = amounts.setdefault(line.id, _Amount(tax_given=line.tax_given))
            kind = _kind(charge.kind)
            given_back = -charge.amount
            if kind.endswith(TAX):
                amount.tax += given_back
                if line.tax_given:
                    amount.total += given_back
            else:
                amount.total += given_back
            if line.kind is not LineKind.CHARGE and kind == PRINCIPAL:
                amount.quantity = max(amount.quantity, Decimal(item.quantity))
    return {line_id: a for line_id, a in amounts.items() if a.total != 0 or a.tax != 0}


async def _line_for(
    session: AsyncSession, store: Store, lines: Sequence[SaleLine], item: RefundItem, kind: str
) -> SaleLine | None:
    """The sale line a refunded charge gives money back for."""
    if kind in (PRINCIPAL, TAX):
        wanted = item.sku.strip().lower()
        for line in lines:
            if line.kind is not LineKind.CHARGE and line.sku.strip().lower() == wanted:
                return line
        product_id = await product_for_sku(session, store_id=store.id, sku=item.sku)
        return next(
            (ln for ln in lines if product_id is not None and ln.product_id == product_id), None
        )
    base = kind.removesuffix(TAX)
    if base in _CHARGES:
        wanted_kind = _CHARGES[base]
    elif "promotion" in base or "discount" in base:
        ship = "ship" in base
        wanted_kind = ChargeKind.SHIPPING_DISCOUNT if ship else ChargeKind.DISCOUNT
    else:
        return None
    return next((ln for ln in lines if ln.charge_kind is wanted_kind), None)


async def _credit_note(
    session: AsyncSession,
    *,
    invoice: Invoice,
    sale: Sale,
    lines: Sequence[SaleLine],
    amounts: dict[int, _Amount],
    reason: str,
) -> CreditNote:
    """A credit note of exactly the amounts given back (quantities up to what is left)."""
    before = await _already_credited(session, invoice.id)
    credit_lines = []
    for line in lines:
        amount = amounts.get(line.id)
        if amount is None:
            continue
        done = before.get(line.id, _Credited())
        left = line.quantity - done.quantity
        if left <= 0:
            continue  # credited in full already (by hand, or the order was cancelled)
        quantity = _credited_quantity(line, amount, left)
        total = to_cents(amount.total)
        tax = to_cents(amount.tax) if amount.tax or line.tax == 0 else _share(line, total)
        credit_lines.append(
            CreditNoteLine(
                sale_line_id=line.id, quantity=quantity, net=total - tax, tax=tax, total=total
            )
        )
    if not credit_lines:
        raise RefundBlocked(
            "refund_already_credited",
            f"the refunded lines of {sale.number} are credited in full already; "
            "check the credit notes of its invoice",
        )
    note = CreditNote(
        invoice_id=invoice.id,
        sale_id=sale.id,
        reason=reason[:400],
        restock=False,
        location_id=None,
        subtotal=sum((c.net for c in credit_lines), Decimal("0.00")),
        tax_total=sum((c.tax for c in credit_lines), Decimal("0.00")),
        total=sum((c.total for c in credit_lines), Decimal("0.00")),
        lines=credit_lines,
    )
    session.add(note)
    invoice.credit_notes.append(note)
    await session.flush()
    return note


def _share(line: SaleLine, total: Decimal) -> Decimal:
    """The tax in `total` at the line's own proportion (Amazon gave no tax figure)."""
    return to_cents(line.tax * total / line.total) if line.total else Decimal("0.00")


def _credited_quantity(line: SaleLine, amount: _Amount, left: Decimal) -> Decimal:
    """Units for a product line (as Amazon refunded them), else the share of the charge."""
    if left <= 0:
        return Decimal(0)
    if line.kind is not LineKind.CHARGE and amount.quantity > 0:
        return min(amount.quantity, left)
    if not line.total or abs(amount.total) >= abs(line.total):
        return left
    share = (left * abs(amount.total) / abs(line.total)).quantize(Decimal("0.0001"))
    return min(max(share, Decimal("0.0001")), left)


def _refund_payment(
    store: Store,
    invoice: Invoice,
    note: CreditNote,
    *,
    refund: AmazonRefund,
    now: datetime,
) -> Payment | None:
    """Money back to the customer from the store's payment account, when the order was paid
    (its payment names the order, also on a consolidated sale)."""
    paid = [p for p in invoice.payments if p.amount > 0 and p.reference == refund.order_id]
    if not paid or note.total <= 0:
        return None
    account_id = store.settings.payment_account_id or paid[0].account_id
    payment = Payment(
        invoice_id=invoice.id,
        account_id=account_id,
        amount=-note.total,
        paid_at=refund.posted_at or now,
        reference=f"Amazon refund {refund.refund_key} of {refund.order_id}"[:200],
    )
    invoice.payments.append(payment)
    return payment


def refund_from_raw(raw: dict) -> AmazonRefund:  # type: ignore[type-arg]
    """The refund as it was read, from its kept raw row."""
    from skuport.domain.returns.matching import refund_of_raw

    return refund_of_raw(raw)
