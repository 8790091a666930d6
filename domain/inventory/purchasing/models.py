"""Drop-ship purchase orders (IN-6): what the supplier ships straight to our customer."""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from skuport.domain.db.base import Base, CreatedAt
from skuport.domain.db.types import Quantity


class PurchaseOrderStatus(enum.StrEnum):
    ORDERED = "ordered"
    CANCELLED = "cancelled"


class DropShipOrder(CreatedAt, Base):
    """A purchase order to one supplier for the drop-ship lines of one sale."""

    __tablename__ = "inv_drop_ship_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("inv_suppliers.id"), index=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("inv_sales.id"), index=True)
    status: Mapped[PurchaseOrderStatus] = mapped_column(
        Enum(PurchaseOrderStatus, native_enum=False, length=20),
        default=PurchaseOrderStatus.ORDERED,
    )
    ship_to: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    lines: Mapped[list[DropShipOrderLine]] = relationship(
        lazy="selectin", order_by="DropShipOrderLine.id", cascade="all, delete-orphan"
    )

    @property
    def number(self) -> str:
        return f"PO-{self.id:06d}"


class DropShipOrderLine(Base):
    __tablename__ = "inv_drop_ship_order_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("inv_drop_ship_orders.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("inv_products.id"))
    sale_line_id: Mapped[int] = mapped_column(ForeignKey("inv_sale_lines.id"))
    quantity: Mapped[Decimal] = mapped_column(Quantity())
