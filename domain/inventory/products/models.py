"""Our own catalog (IN-1, IN-2): products, families, categories, brands, prices, kits."""

from __future__ import annotations

import enum
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Enum,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from skuport.domain.db.base import Archivable, Base, CreatedAt
from skuport.domain.db.types import Money, Quantity


class ProductType(enum.StrEnum):
    STOCK = "stock"
    SERVICE = "service"
    KIT = "kit"


class Category(Archivable, CreatedAt, Base):
    """A flat product category."""

    __tablename__ = "inv_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class Brand(Archivable, CreatedAt, Base):
    __tablename__ = "inv_brands"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class ProductFamily(CreatedAt, Base):
    """Variants sharing up to three options, e.g. Size and Colour."""

    __tablename__ = "inv_product_families"
    __table_args__ = (Index("ix_inv_product_families_lower_name", func.lower(text("name"))),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Many families in one INSERT on SQLite: see Product.sku.
    name: Mapped[str] = mapped_column(String(200), unique=True, insert_sentinel=True)
    sku: Mapped[str] = mapped_column(String(100), default="")
    option1_name: Mapped[str] = mapped_column(String(100), default="")
    option2_name: Mapped[str] = mapped_column(String(100), default="")
    option3_name: Mapped[str] = mapped_column(String(100), default="")

    variants: Mapped[list[Product]] = relationship(
        back_populates="family", lazy="selectin", order_by="Product.id"
    )

    @property
    def option_names(self) -> list[str]:
        return [n for n in (self.option1_name, self.option2_name, self.option3_name) if n]


class Product(Archivable, CreatedAt, Base):
    """A product we sell: stock item, service or kit of stock items."""

    __tablename__ = "inv_products"
    # Look-ups are case-insensitive (lower(...) = ...): these keep them off a full scan.
    __table_args__ = (
        Index("ix_inv_products_lower_sku", func.lower(text("sku"))),
        Index("ix_inv_products_lower_name", func.lower(text("name"))),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The sentinel lets SQLite insert many products in one statement and still match each
    # returned id to its row (it cannot order RETURNING rows by the autoincrement id).
    sku: Mapped[str] = mapped_column(String(100), unique=True, insert_sentinel=True)
    name: Mapped[str] = mapped_column(String(400), unique=True)
    type: Mapped[ProductType] = mapped_column(Enum(ProductType, native_enum=False, length=20))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("inv_categories.id"), default=None)
    brand_id: Mapped[int | None] = mapped_column(ForeignKey("inv_brands.id"), default=None)
    barcode: Mapped[str] = mapped_column(String(50), default="")
    weight_kg: Mapped[Decimal | None] = mapped_column(Quantity(), default=None)
    length_cm: Mapped[Decimal | None] = mapped_column(Quantity(), default=None)
    width_cm: Mapped[Decimal | None] = mapped_column(Quantity(), default=None)
    height_cm: Mapped[Decimal | None] = mapped_column(Quantity(), default=None)
    description: Mapped[str] = mapped_column(Text, default="")
    image_urls: Mapped[list[str]] = mapped_column(JSON, default=list)
    default_tax_rule_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_tax_rules.id"), default=None
    )
    revenue_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_accounts.id"), default=None
    )
    drop_ship: Mapped[bool] = mapped_column(Boolean, default=False)
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("inv_suppliers.id"), default=None)
    family_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_product_families.id"), default=None, index=True
    )
    option1_value: Mapped[str] = mapped_column(String(100), default="")
    option2_value: Mapped[str] = mapped_column(String(100), default="")
    option3_value: Mapped[str] = mapped_column(String(100), default="")

    family: Mapped[ProductFamily | None] = relationship(back_populates="variants", lazy="raise")
    prices: Mapped[list[ProductPrice]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="ProductPrice.price_tier_id"
    )
    components: Mapped[list[KitComponent]] = relationship(
        lazy="selectin",
        cascade="all, delete-orphan",
        foreign_keys="KitComponent.kit_id",
        order_by="KitComponent.id",
    )

    @property
    def option_values(self) -> list[str]:
        return [v for v in (self.option1_value, self.option2_value, self.option3_value) if v]

    def price_in(self, price_tier_id: int) -> Decimal | None:
        """The product's price in a tier, or None when it has none there."""
        for price in self.prices:
            if price.price_tier_id == price_tier_id:
                return price.price
        return None


class ProductPrice(Base):
    __tablename__ = "inv_product_prices"
    __table_args__ = (UniqueConstraint("product_id", "price_tier_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("inv_products.id", ondelete="CASCADE"))
    price_tier_id: Mapped[int] = mapped_column(ForeignKey("inv_price_tiers.id"))
    price: Mapped[Decimal] = mapped_column(Money())


class KitComponent(Base):
    """One stock product and its quantity inside one kit."""

    __tablename__ = "inv_kit_components"
    __table_args__ = (UniqueConstraint("kit_id", "component_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kit_id: Mapped[int] = mapped_column(ForeignKey("inv_products.id", ondelete="CASCADE"))
    component_id: Mapped[int] = mapped_column(ForeignKey("inv_products.id"))
    quantity: Mapped[Decimal] = mapped_column(Quantity())
