"""Amazon orders on their way to sales: log entries, pending orders, watermarks, attention queue."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from skuport.domain.db.base import Base
from skuport.domain.db.types import Money, Quantity, UTCDateTime, value_enum


class OrderFulfilment(enum.StrEnum):
    FBM = "fbm"
    FBA = "fba"


class LogState(enum.StrEnum):
    """Where the captured order stands (LG-1)."""

    PENDING = "pending"  # captured, stock allocated, no sale task yet
    PROCESSED = "processed"  # a sale task exists
    CANCELLED = "cancelled"  # cancelled on Amazon before processing: pending order removed
    VOIDED = "voided"  # cancelled on Amazon after processing: sale task voided


class OrderChargeKind(enum.StrEnum):
    """A charge on an Amazon order as Amazon names it; processing turns each into a sale
    line's `ChargeKind` (a promotion becomes a discount)."""

    SHIPPING = "shipping"
    GIFT_WRAP = "gift_wrap"
    PROMOTION_DISCOUNT = "promotion_discount"
    SHIPPING_DISCOUNT = "shipping_discount"


class ShipmentConfirmation(enum.StrEnum):
    """FU-1: confirming an FBM sale's shipment to Amazon."""

    NOT_NEEDED = "not_needed"
    WAITING = "waiting"  # a shipment with a carrier exists; the confirmation is due
    CONFIRMED = "confirmed"
    FAILED = "failed"  # the last attempt failed; retried by the job


class LoggedOrder:
    """What a log entry says of a captured Amazon order, wherever the entry is kept."""

    marketplace_id: Mapped[str] = mapped_column(String(20))
    amazon_order_id: Mapped[str] = mapped_column(String(40))
    amazon_status: Mapped[str] = mapped_column(String(40))
    fulfilment: Mapped[OrderFulfilment] = mapped_column(value_enum(OrderFulfilment))
    purchased_at: Mapped[datetime] = mapped_column(UTCDateTime())
    amazon_updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[LogState] = mapped_column(value_enum(LogState), default=LogState.PENDING)
    # The sale task is kept when the entry is deleted (LG-2), and the entry when the sale is.
    sale_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_sales.id", ondelete="SET NULL"), default=None
    )
    payment_applied: Mapped[bool] = mapped_column(Boolean, default=False)
    auto_shipped: Mapped[bool] = mapped_column(Boolean, default=False)
    shipment_confirmation: Mapped[ShipmentConfirmation] = mapped_column(
        value_enum(ShipmentConfirmation), default=ShipmentConfirmation.NOT_NEEDED
    )
    shipment_attempts: Mapped[int] = mapped_column(Integer, default=0)
    shipment_error: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")


# The columns a log entry and a remembered order share, copied as they are between the two.
LOGGED_COLUMNS = tuple(
    name for name, value in vars(LoggedOrder).items() if not name.startswith("_")
)


class OrderLogEntry(LoggedOrder, Base):
    """LG-1: one per captured Amazon order. Its unique key is what makes a duplicate impossible."""

    __tablename__ = "order_log_entries"
    __table_args__ = (
        UniqueConstraint("store_id", "amazon_order_id"),
        Index("ix_order_log_entries_sale", "sale_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))


class RememberedOrder(LoggedOrder, Base):
    """OR-3 across a disconnect (ST-4): the log entry of an order that a disconnected store had
    captured, kept per seller account and marketplace. Connecting the same seller account
    again makes it a log entry of the new store, so the order is never captured twice."""

    __tablename__ = "remembered_orders"
    __table_args__ = (
        UniqueConstraint(
            "selling_partner_id", "marketplace_id", "amazon_order_id", name="uq_remembered_orders"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    selling_partner_id: Mapped[str] = mapped_column(String(50))
    disconnected_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PendingOrder(Base):
    """OR-4: a captured order waiting to become a sale task; its stock is already allocated."""

    __tablename__ = "pending_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    log_entry_id: Mapped[int] = mapped_column(
        ForeignKey("order_log_entries.id", ondelete="CASCADE"), unique=True
    )
    marketplace_id: Mapped[str] = mapped_column(String(20))
    amazon_order_id: Mapped[str] = mapped_column(String(40))
    fulfilment: Mapped[OrderFulfilment] = mapped_column(value_enum(OrderFulfilment))
    purchased_at: Mapped[datetime] = mapped_column(UTCDateTime())
    currency: Mapped[str] = mapped_column(String(3))
    buyer_name: Mapped[str] = mapped_column(String(200), default="")
    billing_name: Mapped[str] = mapped_column(String(200), default="")
    company_name: Mapped[str] = mapped_column(String(200), default="")
    is_business: Mapped[bool] = mapped_column(Boolean, default=False)
    # {name, line1, line2, line3, city, region, postcode, country, phone}
    shipping_address: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Where the stock was allocated, and the reservation's reference in the stock ledger.
    location_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_locations.id", ondelete="SET NULL"), default=None
    )
    reservation: Mapped[str] = mapped_column(String(100), default="")
    tax_inclusive: Mapped[bool] = mapped_column(Boolean, default=False)
    total: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    # Paid on Amazon and waiting for its sale's invoice (PA-1).
    paid: Mapped[bool] = mapped_column(Boolean, default=False)

    lines: Mapped[list[PendingOrderLine]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="PendingOrderLine.id"
    )
    charges: Mapped[list[PendingOrderCharge]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="PendingOrderCharge.id"
    )


class PendingOrderLine(Base):
    """One Amazon order item: our product (or a service line when none), quantity, price, tax."""

    __tablename__ = "pending_order_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    pending_order_id: Mapped[int] = mapped_column(
        ForeignKey("pending_orders.id", ondelete="CASCADE"), index=True
    )
    order_item_id: Mapped[str] = mapped_column(String(40))
    seller_sku: Mapped[str] = mapped_column(String(200), default="")
    asin: Mapped[str] = mapped_column(String(20), default="")
    title: Mapped[str] = mapped_column(String(500), default="")
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_products.id", ondelete="SET NULL"), default=None
    )
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    unit_price: Mapped[Decimal] = mapped_column(Money())
    line_total: Mapped[Decimal] = mapped_column(Money())
    tax_amount: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    tax_rule_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_tax_rules.id", ondelete="SET NULL"), default=None
    )


class PendingOrderCharge(Base):
    """An order-level additional charge or discount (OR-4), never spread over lines."""

    __tablename__ = "pending_order_charges"

    id: Mapped[int] = mapped_column(primary_key=True)
    pending_order_id: Mapped[int] = mapped_column(
        ForeignKey("pending_orders.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[OrderChargeKind] = mapped_column(value_enum(OrderChargeKind))
    amount: Mapped[Decimal] = mapped_column(Money())
    tax_amount: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    tax_rule_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_tax_rules.id", ondelete="SET NULL"), default=None
    )


class OrderWatermark(Base):
    """OR-1: the last-updated time up to which a store's orders are known to be downloaded."""

    __tablename__ = "order_watermarks"

    store_id: Mapped[int] = mapped_column(
        ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True
    )
    updated_up_to: Mapped[datetime] = mapped_column(UTCDateTime())


class AttentionItem(Base):
    """BX-3: an order that could not be captured or processed, with its reason, until retried."""

    __tablename__ = "attention_items"
    __table_args__ = (UniqueConstraint("store_id", "amazon_order_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    amazon_order_id: Mapped[str] = mapped_column(String(40))
    marketplace_id: Mapped[str] = mapped_column(String(20), default="")
    stage: Mapped[str] = mapped_column(String(20))  # "capture" or "processing"
    reason: Mapped[str] = mapped_column(String(60))  # e.g. tax_mapping_incomplete
    detail: Mapped[str] = mapped_column(Text, default="")
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=1)


class Notification(Base):
    """A message for the users (OR-8, ST-6, FU-1, PU-4): shown in runbooks and streamed live."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int | None] = mapped_column(
        ForeignKey("stores.id", ondelete="CASCADE"), default=None, index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
