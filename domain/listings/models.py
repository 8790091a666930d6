"""A store's Amazon catalog (CA-1 … CA-10): one entry per listing, families, links to products."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from skuport.domain.db.base import Base
from skuport.domain.db.types import Money, Quantity, UTCDateTime, value_enum


class CatalogStatus(enum.StrEnum):
    """CA-6: listed and buyable, on Amazon but not buyable, or gone/replaced on Amazon."""

    NOT_LISTED = "not_listed"
    LISTED = "listed"
    CANCELED = "canceled"


class Fulfilment(enum.StrEnum):
    FBM = "fbm"
    FBA = "fba"


class LinkSource(enum.StrEnum):
    """How a listing came to be linked: matched by a download, by hand, or by creating it."""

    MATCHED = "matched"
    MANUAL = "manual"
    CREATED = "created"


class CatalogFamily(Base):
    """An Amazon variation parent of a store, mapped to one product family (CA-2)."""

    __tablename__ = "catalog_families"
    __table_args__ = (UniqueConstraint("store_id", "parent_asin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    parent_asin: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(500))
    # The first three variation themes only (CA-2), e.g. ["color", "size"].
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    family_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_product_families.id", ondelete="SET NULL"), default=None
    )


class CatalogEntry(Base):
    """One listing (seller SKU + ASIN) of a store in one marketplace, and its link to a product."""

    __tablename__ = "catalog_entries"
    __table_args__ = (
        UniqueConstraint("store_id", "marketplace_id", "seller_sku", "asin"),
        Index("ix_catalog_entries_store_asin", "store_id", "asin"),
        Index("ix_catalog_entries_store_sku", "store_id", "seller_sku"),
        Index("ix_catalog_entries_product", "product_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    marketplace_id: Mapped[str] = mapped_column(ForeignKey("marketplaces.id"))
    seller_sku: Mapped[str] = mapped_column(String(200), default="")
    asin: Mapped[str] = mapped_column(String(20))
    isbn: Mapped[str] = mapped_column(String(20), default="")
    # The listing's own title in this marketplace: the alias name of a global SKU (ST-8).
    title: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[CatalogStatus] = mapped_column(value_enum(CatalogStatus, length=20))
    fulfilment: Mapped[Fulfilment] = mapped_column(
        value_enum(Fulfilment, length=20), default=Fulfilment.FBM
    )
    price: Mapped[Decimal | None] = mapped_column(Money(), default=None)
    currency: Mapped[str] = mapped_column(String(3), default="")
    quantity: Mapped[Decimal | None] = mapped_column(Quantity(), default=None)
    brand: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str] = mapped_column(String(200), default="")
    catalog_family_id: Mapped[int | None] = mapped_column(
        ForeignKey("catalog_families.id", ondelete="SET NULL"), default=None
    )
    # Values for the family's themes, in theme order (variation children only).
    option_values: Mapped[list[str]] = mapped_column(JSON, default=list)
    # What Amazon told us about the item, kept to create or refresh our product from it.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_products.id", ondelete="SET NULL"), default=None
    )
    link_source: Mapped[LinkSource | None] = mapped_column(
        value_enum(LinkSource, length=20), default=None
    )
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    canceled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # The download that last saw this listing; entries a download did not see are CANCELED.
    sync_token: Mapped[str] = mapped_column(String(32), default="")

    family: Mapped[CatalogFamily | None] = relationship(lazy="selectin")
