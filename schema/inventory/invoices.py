"""Invoices, payments and credit notes (IN-5, IN-7): finance's side of a sale."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Annotated

import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.auth import Role
from skuport.domain.errors import DomainError
from skuport.domain.inventory.credit_notes import models as cn
from skuport.domain.inventory.credit_notes.service import CreditLine, create_credit_note
from skuport.domain.inventory.sales import models as m
from skuport.domain.inventory.sales.invoicing import (
    authorise_invoice,
    get_invoice,
    invoice_sale,
    record_payment,
    select_invoices,
)
from skuport.schema.context import Info
from skuport.schema.errors import InsufficientStock, InvalidInput, InvalidState, NotFound
from skuport.schema.inventory.common import (
    money,
    quantity,
    reading,
    refused,
    to_id,
    to_int,
    unit_of_work,
)
from skuport.schema.pagination import Connection, paginate
from skuport.schema.permissions import FINANCIERS, READERS, allow

InvoiceStatus = strawberry.enum(m.InvoiceStatus, name="InvoiceStatus")
PaymentStatus = strawberry.enum(m.PaymentStatus, name="PaymentStatus")

# Invoicing is part of processing an order (operations) and of billing (finance).
INVOICERS = (Role.OPERATIONS, Role.FINANCE)


@strawberry.type(description="Money received against an invoice into a bank account.")
class Payment:
    id: strawberry.ID
    account_id: strawberry.ID
    amount: Decimal
    paid_at: datetime
    reference: str
    refund_of_id: strawberry.ID | None = strawberry.field(
        description="Set on a refund (a negative amount): the payment it gives back."
    )

    @classmethod
    def from_model(cls, row: m.Payment) -> Payment:
        return cls(
            id=strawberry.ID(str(row.id)),
            account_id=strawberry.ID(str(row.account_id)),
            amount=money(row.amount),
            paid_at=row.paid_at,
            reference=row.reference,
            refund_of_id=strawberry.ID(str(row.refund_of_id)) if row.refund_of_id else None,
        )


@strawberry.type
class CreditNoteLine:
    id: strawberry.ID
    sale_line_id: strawberry.ID
    quantity: Decimal
    net: Decimal
    tax: Decimal
    total: Decimal


# IN-7
@strawberry.type(description="A refund of (part of) an authorised invoice.")
class CreditNote:
    id: strawberry.ID
    number: str
    invoice_id: strawberry.ID
    sale_id: strawberry.ID
    reason: str
    restock: bool
    location_id: strawberry.ID | None
    subtotal: Decimal
    tax_total: Decimal
    total: Decimal
    lines: list[CreditNoteLine]

    @classmethod
    def from_model(cls, row: cn.CreditNote) -> CreditNote:
        return cls(
            id=strawberry.ID(str(row.id)),
            number=row.number,
            invoice_id=strawberry.ID(str(row.invoice_id)),
            sale_id=strawberry.ID(str(row.sale_id)),
            reason=row.reason,
            restock=row.restock,
            location_id=to_id(row.location_id),
            subtotal=money(row.subtotal),
            tax_total=money(row.tax_total),
            total=money(row.total),
            lines=[
                CreditNoteLine(
                    id=strawberry.ID(str(line.id)),
                    sale_line_id=strawberry.ID(str(line.sale_line_id)),
                    quantity=quantity(line.quantity),
                    net=money(line.net),
                    tax=money(line.tax),
                    total=money(line.total),
                )
                for line in row.lines
            ],
        )


@strawberry.type(description="A sale's invoice: exact sums of its lines, payments, balance.")
class Invoice:
    id: strawberry.ID
    number: str
    sale_id: strawberry.ID
    status: InvoiceStatus  # type: ignore[valid-type]
    invoice_date: datetime
    currency: str
    subtotal: Decimal
    tax_total: Decimal
    total: Decimal
    paid: Decimal = strawberry.field(description="Payments less their refunds.")
    refunded: Decimal = strawberry.field(description="Payments given back, as a positive amount.")
    credited: Decimal
    balance: Decimal = strawberry.field(description="Total - credit notes - payments.")
    payment_status: PaymentStatus  # type: ignore[valid-type]
    is_paid: bool
    payments: list[Payment]
    credit_notes: list[CreditNote]

    @classmethod
    def from_model(cls, row: m.Invoice) -> Invoice:
        return cls(
            id=strawberry.ID(str(row.id)),
            number=row.number,
            sale_id=strawberry.ID(str(row.sale_id)),
            status=row.status,
            invoice_date=row.invoice_date,
            currency=row.currency,
            subtotal=money(row.subtotal),
            tax_total=money(row.tax_total),
            total=money(row.total),
            paid=money(row.paid),
            refunded=money(row.refunded),
            credited=money(row.credited),
            balance=money(row.balance),
            payment_status=row.payment_status,
            is_paid=row.payment_status == m.PaymentStatus.PAID,
            payments=[Payment.from_model(p) for p in row.payments],
            credit_notes=[CreditNote.from_model(c) for c in row.credit_notes],
        )


async def invoices_of_sales(session: AsyncSession, sale_ids: Sequence[int]) -> dict[int, Invoice]:
    """The invoices of many sales by sale id: one query, plus one each for payments and notes."""
    if not sale_ids:
        return {}
    rows = await session.scalars(select(m.Invoice).where(m.Invoice.sale_id.in_(set(sale_ids))))
    return {row.sale_id: Invoice.from_model(row) for row in rows}


@strawberry.input(description="Credit `quantity` of one sale line (charges have quantity 1).")
class CreditLineInput:
    sale_line_id: strawberry.ID
    quantity: Decimal


@strawberry.type
class InvoiceSaved:
    invoice: Invoice


@strawberry.type
class PaymentRecorded:
    payment: Payment
    invoice: Invoice


@strawberry.type
class CreditNoteSaved:
    credit_note: CreditNote
    invoice: Invoice


InvoiceResult = Annotated[
    InvoiceSaved | InvalidInput | NotFound | InvalidState, strawberry.union("InvoiceResult")
]
PaymentResult = Annotated[
    PaymentRecorded | InvalidInput | NotFound | InvalidState, strawberry.union("PaymentResult")
]
CreditNoteResult = Annotated[
    CreditNoteSaved | InvalidInput | NotFound | InvalidState | InsufficientStock,
    strawberry.union("CreditNoteResult"),
]


@strawberry.type
class InvoicesQuery:
    @strawberry.field(permission_classes=allow(*READERS), description="Invoices, newest first.")
    async def invoices(
        self,
        info: Info,
        status: InvoiceStatus | None = None,  # type: ignore[valid-type]
        sale_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Invoice]:
        async with reading(info) as session:
            return await paginate(
                session,
                select_invoices(status=status, sale_id=to_int(sale_id)).order_by(None),
                key=m.Invoice.id,
                first=first,
                after=after,
                convert=Invoice.from_model,
            )

    @strawberry.field(permission_classes=allow(*READERS))
    async def invoice(self, info: Info, id: strawberry.ID) -> Invoice | None:
        async with reading(info) as session:
            try:
                return Invoice.from_model(await get_invoice(session, invoice_id=to_int(id) or -1))
            except DomainError:
                return None

    @strawberry.field(permission_classes=allow(*READERS), description="Credit notes, newest first.")
    async def credit_notes(
        self,
        info: Info,
        invoice_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[CreditNote]:
        statement = select(cn.CreditNote)
        if invoice_id is not None:
            statement = statement.where(cn.CreditNote.invoice_id == to_int(invoice_id))
        async with reading(info) as session:
            return await paginate(
                session,
                statement,
                key=cn.CreditNote.id,
                first=first,
                after=after,
                convert=CreditNote.from_model,
            )


@strawberry.type
class InvoicesMutation:
    @strawberry.mutation(
        permission_classes=allow(*INVOICERS), description="Invoice a sale, DRAFT or AUTHORISED."
    )
    async def invoice_sale(
        self,
        info: Info,
        sale_id: strawberry.ID,
        status: InvoiceStatus = m.InvoiceStatus.DRAFT,  # type: ignore[valid-type]
    ) -> InvoiceResult:  # type: ignore[valid-type]
        try:
            async with unit_of_work(info) as session:
                invoice = await invoice_sale(session, sale_id=to_int(sale_id) or -1, status=status)
                view = Invoice.from_model(invoice)
        except DomainError as exc:
            return refused(exc)
        return InvoiceSaved(invoice=view)

    @strawberry.mutation(permission_classes=allow(*INVOICERS))
    async def authorise_invoice(self, info: Info, invoice_id: strawberry.ID) -> InvoiceResult:  # type: ignore[valid-type]
        try:
            async with unit_of_work(info) as session:
                invoice = await authorise_invoice(session, invoice_id=to_int(invoice_id) or -1)
                view = Invoice.from_model(invoice)
        except DomainError as exc:
            return refused(exc)
        return InvoiceSaved(invoice=view)

    @strawberry.mutation(
        permission_classes=allow(*FINANCIERS),
        description="Money received into a bank account; at most the invoice's balance.",
    )
    async def record_payment(
        self,
        info: Info,
        invoice_id: strawberry.ID,
        amount: Decimal,
        account_id: strawberry.ID,
        paid_at: datetime | None = None,
        reference: str = "",
    ) -> PaymentResult:  # type: ignore[valid-type]
        try:
            async with unit_of_work(info) as session:
                payment = await record_payment(
                    session,
                    invoice_id=to_int(invoice_id) or -1,
                    amount=amount,
                    account_id=to_int(account_id) or -1,
                    paid_at=paid_at,
                    reference=reference,
                )
                invoice = await get_invoice(session, invoice_id=payment.invoice_id)
                result = PaymentRecorded(
                    payment=Payment.from_model(payment), invoice=Invoice.from_model(invoice)
                )
        except DomainError as exc:
            return refused(exc)
        return result

    @strawberry.mutation(
        permission_classes=allow(*FINANCIERS),
        description="Credit lines of an authorised invoice; restock returns goods on hand.",
    )
    async def create_credit_note(
        self,
        info: Info,
        invoice_id: strawberry.ID,
        lines: list[CreditLineInput],
        restock: bool = False,
        location_id: strawberry.ID | None = None,
        reason: str = "",
    ) -> CreditNoteResult:  # type: ignore[valid-type]
        try:
            async with unit_of_work(info) as session:
                note = await create_credit_note(
                    session,
                    invoice_id=to_int(invoice_id) or -1,
                    lines=[
                        CreditLine(sale_line_id=to_int(x.sale_line_id) or -1, quantity=x.quantity)
                        for x in lines
                    ],
                    restock=restock,
                    location_id=to_int(location_id),
                    reason=reason,
                )
                invoice = await get_invoice(session, invoice_id=note.invoice_id)
                result = CreditNoteSaved(
                    credit_note=CreditNote.from_model(note), invoice=Invoice.from_model(invoice)
                )
        except DomainError as exc:
            return refused(exc)
        return result
