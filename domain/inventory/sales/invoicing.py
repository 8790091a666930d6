"""Invoice a sale (DRAFT or AUTHORISED) and take payments against it (IN-5)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import InvalidState, InvalidValue
from skuport.domain.inventory.records import load, remember_locked
from skuport.domain.inventory.reference.models import AccountKind
from skuport.domain.inventory.reference.service import load_account
from skuport.domain.inventory.sales.models import (
    Invoice,
    InvoiceStatus,
    Payment,
    Sale,
    SaleLine,
    SaleStatus,
)
from skuport.domain.inventory.sales.service import LineDraft, get_sale
from skuport.domain.inventory.values import decimal_value, optional_text
from skuport.domain.unit_of_work import now_of


async def invoice_sale(
    session: AsyncSession,
    *,
    sale_id: int,
    status: InvoiceStatus = InvoiceStatus.DRAFT,
    invoice_date: datetime | None = None,
) -> Invoice:
    """Invoice the sale's lines, as a DRAFT or directly AUTHORISED."""
    status = new_invoice_status(status)
    sale = await get_sale(session, sale_id=sale_id, lock=True)
    if sale.status == SaleStatus.VOIDED:
        raise InvalidState("sale_id", f"{sale.number} is voided")
    if await find_invoice(session, sale_id=sale.id) is not None:
        raise InvalidState("sale_id", f"{sale.number} is already invoiced")
    invoice = Invoice(
        sale_id=sale.id,
        status=status,
        invoice_date=invoice_date or now_of(session),
        currency=sale.currency,
        **invoice_amounts(sale.lines),
        payments=[],
        credit_notes=[],
    )
    session.add(invoice)
    await session.flush()
    remember_locked(session, invoice)
    return invoice


def new_invoice_status(status: InvoiceStatus | str) -> InvoiceStatus:
    """The status a new invoice may have: DRAFT or AUTHORISED."""
    status = InvoiceStatus(status)
    if status == InvoiceStatus.VOIDED:
        raise InvalidValue("status", "an invoice is created DRAFT or AUTHORISED")
    return status


def invoice_amounts(lines: Iterable[SaleLine | LineDraft]) -> dict[str, Decimal]:
    """An invoice's subtotal, tax and total: the exact sums of its sale's line amounts."""
    subtotal = tax = total = Decimal("0.00")
    for line in lines:
        subtotal, tax, total = subtotal + line.net, tax + line.tax, total + line.total
    return {"subtotal": subtotal, "tax_total": tax, "total": total}


def payment_due(
    balance: Decimal, *, amount: Decimal | None = None, up_to: Decimal | None = None
) -> Decimal | None:
    """The payment rule: how much to pay against an invoice's `balance`.

    `amount` when given, else the whole balance. With `up_to` (money received, PA-1): what
    was received but never more than the balance, to the cent, and None (no payment at all)
    when that is not positive. The amount is then checked by `check_payment`."""
    if up_to is not None:
        paid = min(up_to, balance).quantize(Decimal("0.01"))
        return paid if paid > 0 else None
    return balance if amount is None else amount


def check_payment(amount: Decimal, *, balance: Decimal, invoice_number: str) -> Decimal:
    """A payment's amount, refused when not positive or more than the invoice's balance."""
    amount = decimal_value(amount, field="amount", positive=True, places=2)
    if amount > balance:
        raise InvalidValue(
            "amount", f"{amount} is more than the balance of {invoice_number} ({balance})"
        )
    return amount


async def find_invoice(session: AsyncSession, *, sale_id: int) -> Invoice | None:
    """The sale's invoice, if it has one."""
    return await session.scalar(select(Invoice).where(Invoice.sale_id == sale_id))


async def sales_with_invoices(
    session: AsyncSession, sale_ids: Iterable[int]
) -> dict[int, tuple[Sale, Invoice | None]]:
    """Sales by id with their invoices (None if not invoiced), in one query each."""
    wanted = set(sale_ids)
    if not wanted:
        return {}
    sales = await session.scalars(select(Sale).where(Sale.id.in_(wanted)))
    invoices = {
        i.sale_id: i
        for i in await session.scalars(select(Invoice).where(Invoice.sale_id.in_(wanted)))
    }
    return {sale.id: (sale, invoices.get(sale.id)) for sale in sales}


async def get_invoice(session: AsyncSession, *, invoice_id: int, lock: bool = False) -> Invoice:
    """The invoice with its payments and credit notes, or NotFound."""
    return await load(session, Invoice, invoice_id, field="invoice_id", lock=lock)


async def authorise_invoice(session: AsyncSession, *, invoice_id: int) -> Invoice:
    """Authorise a draft invoice."""
    invoice = await get_invoice(session, invoice_id=invoice_id, lock=True)
    if invoice.status != InvoiceStatus.DRAFT:
        raise InvalidState("invoice_id", f"{invoice.number} is {invoice.status}, not draft")
    invoice.status = InvoiceStatus.AUTHORISED
    await session.flush()
    return invoice


async def record_payment(
    session: AsyncSession,
    *,
    invoice_id: int,
    amount: Decimal,
    account_id: int,
    paid_at: datetime | None = None,
    reference: str = "",
) -> Payment:
    """Record money received against an invoice; more than the balance is refused."""
    decimal_value(amount, field="amount", positive=True, places=2)  # before any query
    reference = optional_text(reference, field="reference")
    # The row lock makes two payments racing for the same balance queue up.
    invoice = await get_invoice(session, invoice_id=invoice_id, lock=True)
    if invoice.status == InvoiceStatus.VOIDED:
        raise InvalidState("invoice_id", f"{invoice.number} is voided")
    await load_account(session, account_id, kind=AccountKind.BANK, field="account_id")
    amount = check_payment(amount, balance=invoice.balance, invoice_number=invoice.number)
    payment = Payment(
        invoice_id=invoice.id,
        account_id=account_id,
        amount=amount,
        paid_at=paid_at or now_of(session),
        reference=reference,
    )
    session.add(payment)
    invoice.payments.append(payment)
    await session.flush()
    return payment


def select_invoices(
    *, status: InvoiceStatus | None = None, sale_id: int | None = None
) -> Select[tuple[Invoice]]:
    """A query of invoices, newest first, for paging by the caller."""
    statement = select(Invoice).order_by(Invoice.id.desc())
    if status is not None:
        statement = statement.where(Invoice.status == InvoiceStatus(status))
    if sale_id is not None:
        statement = statement.where(Invoice.sale_id == sale_id)
    return statement
