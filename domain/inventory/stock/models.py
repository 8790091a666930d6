"""Stock (IN-3): locations and the append-only ledger of stock movements."""

from __future__ import annotations

import enum
from decimal import Decimal

from sqlalchemy import Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from skuport.domain.db.base import Archivable, Base, CreatedAt
from skuport.domain.db.types import Quantity


class MovementKind(enum.StrEnum):
    RECEIPT = "receipt"
    ADJUSTMENT = "adjustment"
    ALLOCATION = "allocation"
    PICK = "pick"
    RELEASE = "release"
    SHIPMENT = "shipment"
    VOID_REVERSAL = "void_reversal"
    RESTOCK = "restock"


class Location(Archivable, CreatedAt, Base):
    """A place that holds stock: a warehouse, a shop, an Amazon FBA network."""

    __tablename__ = "inv_locations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class StockMovement(CreatedAt, Base):
    """One change of stock of one product at one location; rows are never updated or deleted.

    Three running figures come from summing the deltas: on hand (physically there), allocated
    (promised to sales not yet shipped) and picked (set aside for a sale's shipment).
    """

    __tablename__ = "inv_stock_movements"
    __table_args__ = (
        Index("ix_inv_stock_movements_product_location", "product_id", "location_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("inv_products.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("inv_locations.id"), index=True)
    kind: Mapped[MovementKind] = mapped_column(Enum(MovementKind, native_enum=False, length=20))
    on_hand_delta: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))
    allocated_delta: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))
    picked_delta: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))
    reason: Mapped[str] = mapped_column(String(400), default="")
    # Stock reserved before a sale exists (an Amazon pending order) is held by a reference.
    reference: Mapped[str | None] = mapped_column(String(200), default=None, index=True)
    sale_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_sales.id"), default=None, index=True
    )
    sale_line_id: Mapped[int | None] = mapped_column(ForeignKey("inv_sale_lines.id"), default=None)
    credit_note_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_credit_notes.id"), default=None
    )


class StockCheckpoint(CreatedAt, Base):
    """The figures of a product at a location up to (and including) one movement.

    Append-only like the ledger: a figure is the latest checkpoint plus the movements after
    it, so it costs the same however long the product's history. Written only where every
    writer of movements is serialised (SQLite), see `ledger.figures_for`.
    """

    __tablename__ = "inv_stock_checkpoints"
    __table_args__ = (
        Index("ix_inv_stock_checkpoints_product_location", "product_id", "location_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("inv_products.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("inv_locations.id"))
    upto_movement_id: Mapped[int] = mapped_column(ForeignKey("inv_stock_movements.id"))
    on_hand: Mapped[Decimal] = mapped_column(Quantity())
    allocated: Mapped[Decimal] = mapped_column(Quantity())
    picked: Mapped[Decimal] = mapped_column(Quantity())
