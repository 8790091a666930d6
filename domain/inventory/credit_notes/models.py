"""Credit notes (IN-7): a refund against an authorised invoice, optionally restocking goods."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from skuport.domain.db.base import Base, CreatedAt
from skuport.domain.db.types import Money, Quantity


class CreditNote(CreatedAt, Base):
    __tablename__ = "inv_credit_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("inv_invoices.id"), index=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("inv_sales.id"), index=True)
    reason: Mapped[str] = mapped_column(String(400), default="")
    restock: Mapped[bool] = mapped_column(Boolean, default=False)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("inv_locations.id"), default=None)
    subtotal: Mapped[Decimal] = mapped_column(Money())
    tax_total: Mapped[Decimal] = mapped_column(Money())
    total: Mapped[Decimal] = mapped_column(Money())

    lines: Mapped[list[CreditNoteLine]] = relationship(
        lazy="selectin", order_by="CreditNoteLine.id", cascade="all, delete-orphan"
    )

    @property
    def number(self) -> str:
        return f"CN-{self.id:06d}"


class CreditNoteLine(Base):
    __tablename__ = "inv_credit_note_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    credit_note_id: Mapped[int] = mapped_column(ForeignKey("inv_credit_notes.id"), index=True)
    sale_line_id: Mapped[int] = mapped_column(ForeignKey("inv_sale_lines.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    net: Mapped[Decimal] = mapped_column(Money())
    tax: Mapped[Decimal] = mapped_column(Money())
    total: Mapped[Decimal] = mapped_column(Money())
