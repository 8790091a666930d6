"""Sale tasks (IN-5): the sale, its lines, its shipment, its invoice and payments."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from skuport.domain.db.base import Base, CreatedAt
from skuport.domain.db.types import Money, Quantity, UTCDateTime

if TYPE_CHECKING:
    from skuport.domain.inventory.credit_notes.models import CreditNote


class SaleStatus(enum.StrEnum):
    ORDERED = "ordered"
    VOIDED = "voided"


class StageStatus(enum.StrEnum):
    """Where one stage (pick, pack, ship) stands; DRAFT = tried and waiting (short stock)."""

    NOT_STARTED = "not_started"
    DRAFT = "draft"
    AUTHORISED = "authorised"


class LineKind(enum.StrEnum):
    PRODUCT = "product"
    SERVICE = "service"
    CHARGE = "charge"


class ChargeKind(enum.StrEnum):
    SHIPPING = "shipping"
    GIFT_WRAP = "gift_wrap"
    DISCOUNT = "discount"
    SHIPPING_DISCOUNT = "shipping_discount"
    OTHER = "other"

    @property
    def is_discount(self) -> bool:
        return self in (ChargeKind.DISCOUNT, ChargeKind.SHIPPING_DISCOUNT)


class InvoiceStatus(enum.StrEnum):
    DRAFT = "draft"
    AUTHORISED = "authorised"
    VOIDED = "voided"


class PaymentStatus(enum.StrEnum):
    UNPAID = "unpaid"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"


class Sale(CreatedAt, Base):
    """A sale task: ordered lines that are picked, packed, shipped, invoiced and paid."""

    __tablename__ = "inv_sales"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("inv_customers.id"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("inv_locations.id"))
    price_tier_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_price_tiers.id"), default=None
    )
    currency: Mapped[str] = mapped_column(String(3))
    sales_rep: Mapped[str] = mapped_column(String(200), default="")
    # Overrides the product's and the customer's revenue account on every line (ST-5).
    revenue_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_accounts.id"), default=None
    )
    reference: Mapped[str] = mapped_column(String(200), default="", index=True)
    ordered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    billing_name: Mapped[str] = mapped_column(String(200), default="")
    shipping_address: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[SaleStatus] = mapped_column(
        Enum(SaleStatus, native_enum=False, length=20), default=SaleStatus.ORDERED
    )
    pick_status: Mapped[StageStatus] = mapped_column(
        Enum(StageStatus, native_enum=False, length=20), default=StageStatus.NOT_STARTED
    )
    pack_status: Mapped[StageStatus] = mapped_column(
        Enum(StageStatus, native_enum=False, length=20), default=StageStatus.NOT_STARTED
    )
    ship_status: Mapped[StageStatus] = mapped_column(
        Enum(StageStatus, native_enum=False, length=20), default=StageStatus.NOT_STARTED
    )
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    void_reason: Mapped[str] = mapped_column(String(400), default="")

    lines: Mapped[list[SaleLine]] = relationship(
        lazy="selectin", order_by="SaleLine.position", cascade="all, delete-orphan"
    )
    shipments: Mapped[list[Shipment]] = relationship(lazy="selectin", order_by="Shipment.id")

    @property
    def number(self) -> str:
        return f"SO-{self.id:06d}"


class SaleLine(Base):
    """One line: a product, a service, or an additional charge (shipping, gift wrap, discount).

    Amounts are fixed when the line is created: `net` + `tax` = `total`, each in cents.
    """

    __tablename__ = "inv_sale_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("inv_sales.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[LineKind] = mapped_column(Enum(LineKind, native_enum=False, length=20))
    charge_kind: Mapped[ChargeKind | None] = mapped_column(
        Enum(ChargeKind, native_enum=False, length=20), default=None
    )
    product_id: Mapped[int | None] = mapped_column(ForeignKey("inv_products.id"), default=None)
    sku: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[str] = mapped_column(String(400), default="")
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    unit_price: Mapped[Decimal] = mapped_column(Money())
    discount_percent: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))
    tax_rule_id: Mapped[int] = mapped_column(ForeignKey("inv_tax_rules.id"))
    tax_given: Mapped[bool] = mapped_column(Boolean, default=False)
    net: Mapped[Decimal] = mapped_column(Money())
    tax: Mapped[Decimal] = mapped_column(Money())
    total: Mapped[Decimal] = mapped_column(Money())
    revenue_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_accounts.id"), default=None
    )
    drop_ship: Mapped[bool] = mapped_column(Boolean, default=False)


class Shipment(CreatedAt, Base):
    """The sale's goods leaving the location with a carrier."""

    __tablename__ = "inv_shipments"

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("inv_sales.id"), index=True)
    carrier: Mapped[str] = mapped_column(String(100))
    tracking_number: Mapped[str] = mapped_column(String(100), default="")
    shipped_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Invoice(CreatedAt, Base):
    """The sale's invoice; totals are the exact sums of the sale's line amounts."""

    __tablename__ = "inv_invoices"

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("inv_sales.id"), unique=True)
    status: Mapped[InvoiceStatus] = mapped_column(Enum(InvoiceStatus, native_enum=False, length=20))
    invoice_date: Mapped[datetime] = mapped_column(UTCDateTime())
    currency: Mapped[str] = mapped_column(String(3))
    subtotal: Mapped[Decimal] = mapped_column(Money())
    tax_total: Mapped[Decimal] = mapped_column(Money())
    total: Mapped[Decimal] = mapped_column(Money())

    payments: Mapped[list[Payment]] = relationship(lazy="selectin", order_by="Payment.id")
    credit_notes: Mapped[list[CreditNote]] = relationship(lazy="selectin", order_by="CreditNote.id")

    @property
    def number(self) -> str:
        return f"INV-{self.id:06d}"

    @property
    def paid(self) -> Decimal:
        """Money kept: payments less their refunds (a refund is a negative payment)."""
        return sum((p.amount for p in self.payments), Decimal("0.00"))

    @property
    def refunded(self) -> Decimal:
        """Money given back: the sum of the refunds of payments, as a positive amount."""
        return -sum((p.amount for p in self.payments if p.refund_of_id), Decimal("0.00"))

    @property
    def credited(self) -> Decimal:
        return sum((c.total for c in self.credit_notes), Decimal("0.00"))

    @property
    def balance(self) -> Decimal:
        """What the customer still owes: total less credit notes and payments."""
        return self.total - self.credited - self.paid

    @property
    def payment_status(self) -> PaymentStatus:
        if self.paid == 0:
            return PaymentStatus.UNPAID
        return PaymentStatus.PAID if self.balance <= 0 else PaymentStatus.PARTIALLY_PAID


class Payment(CreatedAt, Base):
    """Money received against an invoice into a bank/payment account.

    A refund is a payment too: the negative amount of the payment it reverses
    (`refund_of_id`), to the same account. Payments are never deleted.
    """

    __tablename__ = "inv_payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("inv_invoices.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("inv_accounts.id"))
    amount: Mapped[Decimal] = mapped_column(Money())
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reference: Mapped[str] = mapped_column(String(200), default="")
    refund_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_payments.id"), default=None, unique=True
    )
