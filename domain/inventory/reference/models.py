"""Reference data (IN-4): price tiers, tax rules, chart of accounts, customers, suppliers."""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from skuport.domain.db.base import Archivable, Base, CreatedAt
from skuport.domain.db.types import Quantity


class AccountKind(enum.StrEnum):
    REVENUE = "revenue"
    BANK = "bank"
    FEE = "fee"
    EXPENSE = "expense"


class PriceTier(Archivable, CreatedAt, Base):
    """A named price list in one currency (e.g. one per Amazon marketplace)."""

    __tablename__ = "inv_price_tiers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    currency: Mapped[str] = mapped_column(String(3))


class TaxRule(Archivable, CreatedAt, Base):
    """A tax rate, applied inclusive or exclusive of the price; tax-free rules have rate 0."""

    __tablename__ = "inv_tax_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    # Percent, e.g. 20 for 20 %; 4 decimal places allow rates such as 8.875.
    rate: Mapped[Decimal] = mapped_column(Quantity())
    inclusive: Mapped[bool] = mapped_column(Boolean, default=False)
    tax_free: Mapped[bool] = mapped_column(Boolean, default=False)


class Account(Archivable, CreatedAt, Base):
    """An account of the chart of accounts, by code."""

    __tablename__ = "inv_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[AccountKind] = mapped_column(Enum(AccountKind, native_enum=False, length=20))


class Customer(Archivable, CreatedAt, Base):
    """Whom we sell to; addresses are kept as {line1, line2, city, region, postcode, country}."""

    __tablename__ = "inv_customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    billing_address: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    shipping_address: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    price_tier_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_price_tiers.id"), default=None
    )
    tax_rule_id: Mapped[int | None] = mapped_column(ForeignKey("inv_tax_rules.id"), default=None)
    revenue_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_accounts.id"), default=None
    )


class Supplier(Archivable, CreatedAt, Base):
    """Whom we buy from; drop-ship purchase orders go to the product's supplier."""

    __tablename__ = "inv_suppliers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    address: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    currency: Mapped[str] = mapped_column(String(3), default="")
