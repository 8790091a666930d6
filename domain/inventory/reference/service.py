"""Create reference data (IN-4): price tiers, tax rules, accounts, customers, suppliers."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import InvalidValue
from skuport.domain.inventory.records import ensure_unique, load, load_optional
from skuport.domain.inventory.reference.models import (
    Account,
    AccountKind,
    Customer,
    PriceTier,
    Supplier,
    TaxRule,
)
from skuport.domain.inventory.values import (
    decimal_value,
    optional_text,
    printable_text,
    required_text,
)


@dataclass(frozen=True)
class Address:
    """A postal address; `country` is an ISO 3166 alpha-2 code when known."""

    line1: str = ""
    line2: str = ""
    city: str = ""
    region: str = ""
    postcode: str = ""
    country: str = ""

    def as_dict(self) -> dict[str, str]:
        return {key: value.strip() for key, value in asdict(self).items()}

    def checked(self, field: str) -> dict[str, str]:
        """`as_dict`, refusing control characters in any part (InvalidValue naming it)."""
        return {
            key: printable_text(value, field=f"{field}.{key}")
            for key, value in self.as_dict().items()
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Address:
        return cls(**{key: str(value) for key, value in (data or {}).items()})


def _currency(value: str, *, field: str) -> str:
    code = (value or "").strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise InvalidValue(field, f"expected a 3-letter ISO 4217 currency code, got {value!r}")
    return code


async def create_price_tier(session: AsyncSession, *, name: str, currency: str) -> PriceTier:
    """Create a price tier in `currency`."""
    name = required_text(name, field="name", max_length=100)
    tier = PriceTier(name=name, currency=_currency(currency, field="currency"))
    await ensure_unique(session, PriceTier, "name", name, field="name")
    session.add(tier)
    await session.flush()
    return tier


async def create_tax_rule(
    session: AsyncSession,
    *,
    name: str,
    rate: Decimal,
    inclusive: bool = False,
    tax_free: bool = False,
) -> TaxRule:
    """Create a tax rule: `rate` in percent; a tax-free rule must have rate 0."""
    name = required_text(name, field="name", max_length=100)
    rate = decimal_value(rate, field="rate", minimum=Decimal(0))
    if rate > 100:
        raise InvalidValue("rate", f"a tax rate is a percentage of at most 100, got {rate}")
    if tax_free and rate != 0:
        raise InvalidValue("rate", "a tax-free rule has rate 0")
    await ensure_unique(session, TaxRule, "name", name, field="name")
    rule = TaxRule(name=name, rate=rate, inclusive=inclusive, tax_free=tax_free)
    session.add(rule)
    await session.flush()
    return rule


async def create_account(
    session: AsyncSession, *, code: str, name: str, kind: AccountKind
) -> Account:
    """Add an account to the chart of accounts."""
    code = required_text(code, field="code", max_length=20)
    name = required_text(name, field="name", max_length=100)
    await ensure_unique(session, Account, "code", code, field="code")
    account = Account(code=code, name=name, kind=AccountKind(kind))
    session.add(account)
    await session.flush()
    return account


async def load_account(
    session: AsyncSession, account_id: int | None, *, kind: AccountKind, field: str
) -> Account | None:
    """The account with `account_id`, refused unless it is of `kind`; None when not given."""
    account = await load_optional(session, Account, account_id, field=field)
    if account is not None and account.kind != kind:
        raise InvalidValue(field, f"account {account.code} is a {account.kind} account, not {kind}")
    return account


async def create_customer(
    session: AsyncSession,
    *,
    name: str,
    contact_name: str = "",
    email: str = "",
    phone: str = "",
    billing_address: Address | None = None,
    shipping_address: Address | None = None,
    price_tier_id: int | None = None,
    tax_rule_id: int | None = None,
    revenue_account_id: int | None = None,
) -> Customer:
    """Create a customer with contact details, addresses and sales defaults."""
    name = required_text(name, field="name")
    await ensure_unique(session, Customer, "name", name, field="name")
    await load_optional(session, PriceTier, price_tier_id, field="price_tier_id")
    await load_optional(session, TaxRule, tax_rule_id, field="tax_rule_id")
    await load_account(
        session, revenue_account_id, kind=AccountKind.REVENUE, field="revenue_account_id"
    )
    customer = Customer(
        name=name,
        contact_name=optional_text(contact_name, field="contact_name"),
        email=optional_text(email, field="email"),
        phone=optional_text(phone, field="phone", max_length=50),
        billing_address=(billing_address or Address()).checked("billing_address"),
        shipping_address=(shipping_address or Address()).checked("shipping_address"),
        price_tier_id=price_tier_id,
        tax_rule_id=tax_rule_id,
        revenue_account_id=revenue_account_id,
    )
    session.add(customer)
    await session.flush()
    return customer


async def find_customer(session: AsyncSession, *, name: str) -> Customer | None:
    """The customer with this name (case-insensitive), if any."""
    return await session.scalar(
        select(Customer).where(func.lower(Customer.name) == name.strip().lower())
    )


async def create_supplier(
    session: AsyncSession,
    *,
    name: str,
    contact_name: str = "",
    email: str = "",
    phone: str = "",
    address: Address | None = None,
    currency: str = "",
) -> Supplier:
    """Create a supplier."""
    name = required_text(name, field="name")
    await ensure_unique(session, Supplier, "name", name, field="name")
    supplier = Supplier(
        name=name,
        contact_name=optional_text(contact_name, field="contact_name"),
        email=optional_text(email, field="email"),
        phone=optional_text(phone, field="phone", max_length=50),
        address=(address or Address()).checked("address"),
        currency=_currency(currency, field="currency") if currency else "",
    )
    session.add(supplier)
    await session.flush()
    return supplier


async def get_tax_rule(session: AsyncSession, *, tax_rule_id: int) -> TaxRule:
    """The tax rule, or NotFound."""
    return await load(session, TaxRule, tax_rule_id, field="tax_rule_id")


async def list_price_tiers(session: AsyncSession) -> list[PriceTier]:
    """Every price tier, by name."""
    return list(await session.scalars(select(PriceTier).order_by(PriceTier.name)))


async def list_tax_rules(session: AsyncSession) -> list[TaxRule]:
    """Every tax rule, by name."""
    return list(await session.scalars(select(TaxRule).order_by(TaxRule.name)))


async def list_accounts(session: AsyncSession, *, kind: AccountKind | None = None) -> list[Account]:
    """The chart of accounts by code, optionally only one kind."""
    statement = select(Account).order_by(Account.code)
    if kind is not None:
        statement = statement.where(Account.kind == AccountKind(kind))
    return list(await session.scalars(statement))


async def list_suppliers(session: AsyncSession) -> list[Supplier]:
    """Every supplier, by name."""
    return list(await session.scalars(select(Supplier).order_by(Supplier.name)))


def select_customers(*, search: str | None = None) -> Select[tuple[Customer]]:
    """A query of customers by name, optionally matching `search`, for paging by the caller."""
    statement = select(Customer).order_by(Customer.name, Customer.id)
    if search:
        pattern = f"%{search.strip().lower()}%"
        statement = statement.where(
            func.lower(Customer.name).like(pattern) | func.lower(Customer.email).like(pattern)
        )
    return statement
