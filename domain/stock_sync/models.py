"""What Skuport last told Amazon about each listing's quantity, and orders not yet captured."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from skuport.domain.db.base import Base
from skuport.domain.db.types import Quantity, UTCDateTime


class PushedQuantity(Base):
    """SY-3: the quantity last sent for a listing, so only changes are sent again."""

    __tablename__ = "pushed_quantities"
    __table_args__ = (UniqueConstraint("store_id", "marketplace_id", "seller_sku"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    marketplace_id: Mapped[str] = mapped_column(String(20))
    seller_sku: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    pushed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class UncapturedHold(Base):
    """SY-3: units of an order Amazon has (e.g. Pending) that we have not captured yet."""

    __tablename__ = "uncaptured_holds"
    __table_args__ = (UniqueConstraint("store_id", "amazon_order_id", "seller_sku"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    amazon_order_id: Mapped[str] = mapped_column(String(40))
    seller_sku: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
