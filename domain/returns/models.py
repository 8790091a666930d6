"""Refunds, returns and reimbursements seen at Amazon (BX-1): the raw row kept, one row per key.

A row read again with the same content changes nothing; a revised row (Amazon changes the
disposition or status of an older return) updates the record and leaves a `ReturnRevision`.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from skuport.domain.db.base import Base
from skuport.domain.db.types import Money, UTCDateTime, value_enum


class RefundStatus(enum.StrEnum):
    CREDITED = "credited"  # credit note and refund payment made
    NEEDS_ATTENTION = "needs_attention"  # could not be credited; `problem` says why


class ReturnChannel(enum.StrEnum):
    FBA = "fba"
    MFN = "mfn"


class ReturnState(enum.StrEnum):
    AWAITING_RECEIPT = "awaiting_receipt"  # FBM return not received (or not confirmed) yet
    RESTOCKED = "restocked"  # back to sellable stock
    UNSELLABLE = "unsellable"  # to the unsellable location
    WRITTEN_OFF = "written_off"  # ours, unsellable, no location: nothing restocked
    AWAITING_REIMBURSEMENT = "awaiting_reimbursement"  # DAMAGED: Amazon keeps it and pays
    REIMBURSED = "reimbursed"
    NOT_MATCHED = "not_matched"  # no product for the SKU: nothing restocked
    NO_LOCATION = "no_location"  # sellable, but the settings name no location for it


class ReturnedRefund(Base):
    """One Amazon refund of one order (its adjustment id), and what we made of it."""

    __tablename__ = "ret_refunds"
    __table_args__ = (UniqueConstraint("store_id", "refund_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    refund_key: Mapped[str] = mapped_column(String(120))
    amazon_order_id: Mapped[str] = mapped_column(String(40), index=True)
    marketplace_id: Mapped[str] = mapped_column(String(20), default="")
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    currency: Mapped[str] = mapped_column(String(3), default="")
    amount: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))  # given back
    quantity: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[RefundStatus] = mapped_column(value_enum(RefundStatus))
    problem: Mapped[str] = mapped_column(Text, default="")
    credit_note_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_credit_notes.id"), default=None
    )
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("inv_payments.id"), default=None)
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CustomerReturn(Base):
    """One returned SKU of one order, from the FBA or the merchant-fulfilled returns report."""

    __tablename__ = "ret_returns"
    __table_args__ = (UniqueConstraint("store_id", "return_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    return_key: Mapped[str] = mapped_column(String(200))
    channel: Mapped[ReturnChannel] = mapped_column(value_enum(ReturnChannel))
    amazon_order_id: Mapped[str] = mapped_column(String(40), index=True)
    sku: Mapped[str] = mapped_column(String(200))
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_products.id", ondelete="SET NULL"), default=None
    )
    quantity: Mapped[int] = mapped_column(Integer)
    return_date: Mapped[datetime] = mapped_column(UTCDateTime())
    disposition: Mapped[str] = mapped_column(String(40), default="")
    reason: Mapped[str] = mapped_column(String(200), default="")
    amazon_status: Mapped[str] = mapped_column(String(60), default="")
    state: Mapped[ReturnState] = mapped_column(value_enum(ReturnState))
    received_quantity: Mapped[int | None] = mapped_column(Integer, default=None)
    condition: Mapped[str] = mapped_column(String(60), default="")
    restocked_quantity: Mapped[int] = mapped_column(Integer, default=0)
    location_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_locations.id", ondelete="SET NULL"), default=None
    )
    # Restocked as sellable, then Amazon revised the row to an unsellable disposition.
    revised_after_restock: Mapped[bool] = mapped_column(Boolean, default=False)
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def reference(self) -> str:
        """What the stock movements of this return carry."""
        return f"return {self.id} of {self.amazon_order_id}"


class ReturnRevision(Base):
    """A return row Amazon changed after we had read it: what it said before and after."""

    __tablename__ = "ret_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(
        ForeignKey("ret_returns.id", ondelete="CASCADE"), index=True
    )
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    before: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class AmazonReimbursement(Base):
    """A SAFE-T or FBA (lost, damaged) reimbursement Amazon paid."""

    __tablename__ = "ret_reimbursements"
    __table_args__ = (UniqueConstraint("store_id", "reimbursement_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    reimbursement_key: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(60))
    amazon_order_id: Mapped[str | None] = mapped_column(String(40), default=None, index=True)
    sku: Mapped[str | None] = mapped_column(String(200), default=None)
    quantity: Mapped[int] = mapped_column(Integer, default=0)
    amount: Mapped[Decimal] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(String(3), default="")
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
