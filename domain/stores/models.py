"""Stores (ST-1 … ST-7): connected Amazon seller accounts, their marketplaces and settings."""

from __future__ import annotations

import enum
from datetime import datetime, time

from sqlalchemy import Boolean, ForeignKey, Integer, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from skuport.domain.amazon.config import Region
from skuport.domain.db.base import Base, CreatedAt
from skuport.domain.db.types import UTCDateTime, value_enum
from skuport.domain.inventory.reference.models import TaxRule
from skuport.domain.inventory.sales.stages import FulfilmentMode


class StoreStatus(enum.StrEnum):
    CONNECTED = "connected"
    NEEDS_REAUTHORISATION = "needs_reauthorisation"


class LoadOrdersWhen(enum.StrEnum):
    PAID = "paid"
    SHIPPED = "shipped"


class Consolidation(enum.StrEnum):
    NONE = "none"
    DAILY = "daily"


class InvoiceStatusSetting(enum.StrEnum):
    DRAFT = "draft"
    AUTHORISED = "authorised"


class SalesRepresentative(enum.StrEnum):
    SHOP_NAME = "shop_name"
    MARKETPLACE = "marketplace"


class MatchProducts(enum.StrEnum):
    BY_SKU = "by_sku"
    MANUAL = "manual"


class Marketplace(Base):
    """An Amazon country site. Rows are data (seeded by migration), so more can be added."""

    __tablename__ = "marketplaces"
    # Seeded by a migration: reference data that tests must not wipe.
    __table_args__ = {"info": {"seeded": True}}

    id: Mapped[str] = mapped_column(String(20), primary_key=True)
    # Amazon's own short name (UK), which may differ from the ISO country code (GB).
    code: Mapped[str] = mapped_column(String(2), unique=True)
    country_code: Mapped[str] = mapped_column(String(2))
    name: Mapped[str] = mapped_column(String(50))
    region: Mapped[Region] = mapped_column(value_enum(Region))
    currency: Mapped[str] = mapped_column(String(3))

    @property
    def abbreviation(self) -> str:
        """The sales representative name when the marketplace is used: Amazon_US, Amazon_UK."""
        return f"Amazon_{self.code}"


class Store(CreatedAt, Base):
    """One connected seller account in one region; secrets are stored encrypted."""

    __tablename__ = "stores"
    # Ids are never reused (SQLite would reuse the highest after a delete): the stock ledger's
    # references and the operation log name stores by id.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    shop_representative_name: Mapped[str] = mapped_column(String(100))
    region: Mapped[Region] = mapped_column(value_enum(Region))
    selling_partner_id: Mapped[str] = mapped_column(String(50))
    lwa_client_id: Mapped[str] = mapped_column(String(200))
    lwa_client_secret_encrypted: Mapped[str] = mapped_column(String(1000))
    refresh_token_encrypted: Mapped[str] = mapped_column(String(2000))
    api_endpoint: Mapped[str] = mapped_column(String(300))
    token_url: Mapped[str] = mapped_column(String(300))
    status: Mapped[StoreStatus] = mapped_column(
        value_enum(StoreStatus), default=StoreStatus.CONNECTED
    )
    connected_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Whether Amazon sends this store's orders with personal data, as the last paid merchant-
    # fulfilled order showed: "granted", "missing", or None until one is seen.
    personal_data: Mapped[str | None] = mapped_column(String(10), nullable=True, default=None)

    marketplaces: Mapped[list[StoreMarketplace]] = relationship(
        back_populates="store", cascade="all, delete-orphan", lazy="selectin"
    )
    settings: Mapped[StoreSettings] = relationship(
        back_populates="store", cascade="all, delete-orphan", lazy="selectin", uselist=False
    )


class StoreMarketplace(Base):
    """A marketplace the seller participates in, whether we use it, and its price tier."""

    __tablename__ = "store_marketplaces"
    __table_args__ = (UniqueConstraint("store_id", "marketplace_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    marketplace_id: Mapped[str] = mapped_column(ForeignKey("marketplaces.id"))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    price_tier_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_price_tiers.id", ondelete="SET NULL"), default=None
    )

    store: Mapped[Store] = relationship(back_populates="marketplaces")
    marketplace: Mapped[Marketplace] = relationship(lazy="selectin")


class StoreSettings(Base):
    """Every setting of ST-5, one row per store, with the defaults of the SPEC."""

    __tablename__ = "store_settings"

    store_id: Mapped[int] = mapped_column(
        ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True
    )
    load_orders_when: Mapped[LoadOrdersWhen] = mapped_column(
        value_enum(LoadOrdersWhen), default=LoadOrdersWhen.PAID
    )
    consolidation: Mapped[Consolidation] = mapped_column(
        value_enum(Consolidation), default=Consolidation.NONE
    )
    consolidation_time: Mapped[time] = mapped_column(Time(), default=time(18, 0))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    order_download_minutes: Mapped[int] = mapped_column(Integer, default=15)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_customers.id", ondelete="SET NULL"), default=None
    )
    # None means "all locations" for FBM stock and allocation.
    fbm_location_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_locations.id", ondelete="SET NULL"), default=None
    )
    process_fba_orders: Mapped[bool] = mapped_column(Boolean, default=False)
    fba_location_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_locations.id", ondelete="SET NULL"), default=None
    )
    fulfilment_mode: Mapped[FulfilmentMode] = mapped_column(
        value_enum(FulfilmentMode), default=FulfilmentMode.NONE
    )
    invoice_status: Mapped[InvoiceStatusSetting] = mapped_column(
        value_enum(InvoiceStatusSetting), default=InvoiceStatusSetting.DRAFT
    )
    revenue_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_accounts.id", ondelete="SET NULL"), default=None
    )
    sales_representative: Mapped[SalesRepresentative] = mapped_column(
        value_enum(SalesRepresentative), default=SalesRepresentative.MARKETPLACE
    )
    match_products: Mapped[MatchProducts] = mapped_column(
        value_enum(MatchProducts), default=MatchProducts.BY_SKU
    )
    create_product_if_not_found: Mapped[bool] = mapped_column(Boolean, default=False)
    amazon_is_master: Mapped[bool] = mapped_column(Boolean, default=False)
    update_stock_levels: Mapped[bool] = mapped_column(Boolean, default=False)
    line_tax_rule_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_tax_rules.id", ondelete="SET NULL"), default=None
    )
    charge_tax_rule_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_tax_rules.id", ondelete="SET NULL"), default=None
    )
    tax_free_rule_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_tax_rules.id", ondelete="SET NULL"), default=None
    )
    payment_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_accounts.id", ondelete="SET NULL"), default=None
    )
    # BX-1: where FBM returns go back to stock (None: the FBM location, else nothing restocked),
    # where unsellable returned units go (None: written off), and whether FBM receipts wait
    # for a user's confirmation instead of the returns report's received quantity.
    returns_location_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_locations.id", ondelete="SET NULL"), default=None
    )
    unsellable_location_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_locations.id", ondelete="SET NULL"), default=None
    )
    confirm_returns_manually: Mapped[bool] = mapped_column(Boolean, default=False)

    store: Mapped[Store] = relationship(back_populates="settings")
    country_tax_rules: Mapped[list[StoreCountryTaxRule]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    # Read with the store, so the tax-mapping gaps can tell a rule of the wrong kind (OR-6).
    line_tax_rule: Mapped[TaxRule | None] = relationship(
        foreign_keys=[line_tax_rule_id], lazy="selectin", viewonly=True
    )
    charge_tax_rule: Mapped[TaxRule | None] = relationship(
        foreign_keys=[charge_tax_rule_id], lazy="selectin", viewonly=True
    )


class StoreCountryTaxRule(Base):
    """EU stores: the tax rule for orders shipped to a destination country (OR-6)."""

    __tablename__ = "store_country_tax_rules"
    __table_args__ = (UniqueConstraint("store_id", "country_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store_settings.store_id", ondelete="CASCADE"))
    country_code: Mapped[str] = mapped_column(String(2))
    tax_rule_id: Mapped[int] = mapped_column(ForeignKey("inv_tax_rules.id", ondelete="CASCADE"))
