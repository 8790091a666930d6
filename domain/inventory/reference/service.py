"""Create reference data (IN-4): price tiers, tax rules, accounts, customers, suppliers.

The checks of each field live here once: `changes` (edit and archive) calls the same ones."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import InvalidValue
from skuport.domain.inventory.records import (
    ensure_unique,
    load,
    load_usable_optional,
    unarchived,
)
from skuport.domain.inventory.reference.models import (
    Account,
    AccountKind,
    Customer,
    PriceTier,
    Supplier,
    TaxRule,
)
from skuport.domain.inventory.values import decimal_value, optional_text, required_text


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

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Address:
        return cls(**{key: str(value) for key, value in (data or {}).items()})


def _currency(value: str, *, field: str) -> str:
    code = (value or "").strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise InvalidValue(field, f"expected a 3-letter ISO 4217 currency code, got {value!r}")
    return code


def checked_currency(value: str, *, field: str = "currency") -> str:
    """A 3-letter ISO 4217 currency code, in capitals."""
    return _currency(value, field=field)


async def checked_name(
    session: AsyncSession,
    model: type[Any],
    value: str,
    *,
    column: str = "name",
    max_length: int = 200,
    exclude_id: int | None = None,
) -> str:
    """A record's name (or code): given, not too long, and no other record's of its kind."""
    value = required_text(value, field=column, max_length=max_length)
    await ensure_unique(session, model, column, value, field=column, exclude_id=exclude_id)
    return value


def checked_rate(rate: Decimal, *, tax_free: bool) -> Decimal:
    """A tax rate in percent, 0 to 100; a tax-free rule has rate 0."""
    rate = decimal_value(rate, field="rate", minimum=Decimal(0))
    if rate > 100:
        raise InvalidValue("rate", f"a tax rate is a percentage of at most 100, got {rate}")
    if tax_free and rate != 0:
        raise InvalidValue("rate", "a tax-free rule has rate 0")
    return rate


def checked_contact(*, contact_name: str, email: str, phone: str) -> dict[str, str]:
    """A customer's or supplier's contact details (each may be empty)."""
    return {
        "contact_name": optional_text(contact_name, field="contact_name"),
        "email": optional_text(email, field="email"),
        "phone": optional_text(phone, field="phone", max_length=50),
    }


async def create_price_tier(session: AsyncSession, *, name: str, currency: str) -> PriceTier:
    """Create a price tier in `currency`."""
    currency = _currency(currency, field="currency")
    name = await checked_name(session, PriceTier, name, max_length=100)
    tier = PriceTier(name=name, currency=currency)
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
    rate = checked_rate(rate, tax_free=tax_free)
    name = await checked_name(session, TaxRule, name, max_length=100)
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
    code = await checked_name(session, Account, code, column="code", max_length=20)
    account = Account(code=code, name=name, kind=AccountKind(kind))
    session.add(account)
    await session.flush()
    return account


async def load_account(
    session: AsyncSession,
    account_id: int | None,
    *,
    kind: AccountKind,
    field: str,
    current: int | None = None,
) -> Account | None:
    """The account with `account_id`, refused unless it is of `kind` and (unless the field
    already holds it, `current`) not archived; None when not given."""
    account = await load_usable_optional(session, Account, account_id, field=field, current=current)
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
    name = await checked_name(session, Customer, name)
    defaults = {
        "price_tier_id": price_tier_id,
        "tax_rule_id": tax_rule_id,
        "revenue_account_id": revenue_account_id,
    }
    await check_customer_defaults(session, defaults, customer=None)
    customer = Customer(
        name=name,
        **checked_contact(contact_name=contact_name, email=email, phone=phone),
        billing_address=(billing_address or Address()).as_dict(),
        shipping_address=(shipping_address or Address()).as_dict(),
        price_tier_id=price_tier_id,
        tax_rule_id=tax_rule_id,
        revenue_account_id=revenue_account_id,
    )
    session.add(customer)
    await session.flush()
    return customer


async def check_customer_defaults(
    session: AsyncSession, defaults: dict[str, int | None], *, customer: Customer | None
) -> None:
    """A customer's sales defaults that are given exist, are usable (not archived, unless the
    customer already has it) and the revenue account is one."""

    def current(key: str) -> int | None:
        return getattr(customer, key) if customer is not None else None

    if "price_tier_id" in defaults:
        await load_usable_optional(
            session,
            PriceTier,
            defaults["price_tier_id"],
            field="price_tier_id",
            current=current("price_tier_id"),
        )
    if "tax_rule_id" in defaults:
        await load_usable_optional(
            session,
            TaxRule,
            defaults["tax_rule_id"],
            field="tax_rule_id",
            current=current("tax_rule_id"),
        )
    if "revenue_account_id" in defaults:
        await load_account(
            session,
            defaults["revenue_account_id"],
            kind=AccountKind.REVENUE,
            field="revenue_account_id",
            current=current("revenue_account_id"),
        )


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
    name = await checked_name(session, Supplier, name)
    supplier = Supplier(
        name=name,
        **checked_contact(contact_name=contact_name, email=email, phone=phone),
        address=(address or Address()).as_dict(),
        currency=_currency(currency, field="currency") if currency else "",
    )
    session.add(supplier)
    await session.flush()
    return supplier


async def get_tax_rule(session: AsyncSession, *, tax_rule_id: int) -> TaxRule:
    """The tax rule, or NotFound."""
    return await load(session, TaxRule, tax_rule_id, field="tax_rule_id")


async def list_price_tiers(
    session: AsyncSession, *, include_archived: bool = False
) -> list[PriceTier]:
    """The price tiers in use (every one with `include_archived`), by name."""
    statement = select(PriceTier).order_by(PriceTier.name)
    statement = unarchived(statement, PriceTier, include_archived=include_archived)
    return list(await session.scalars(statement))


async def list_tax_rules(session: AsyncSession, *, include_archived: bool = False) -> list[TaxRule]:
    """The tax rules in use (every one with `include_archived`), by name."""
    statement = select(TaxRule).order_by(TaxRule.name)
    statement = unarchived(statement, TaxRule, include_archived=include_archived)
    return list(await session.scalars(statement))


async def list_accounts(
    session: AsyncSession, *, kind: AccountKind | None = None, include_archived: bool = False
) -> list[Account]:
    """The chart of accounts in use (all with `include_archived`) by code, optionally one kind."""
    statement = select(Account).order_by(Account.code)
    if kind is not None:
        statement = statement.where(Account.kind == AccountKind(kind))
    statement = unarchived(statement, Account, include_archived=include_archived)
    return list(await session.scalars(statement))


async def list_suppliers(
    session: AsyncSession, *, include_archived: bool = False
) -> list[Supplier]:
    """The suppliers in use (every one with `include_archived`), by name."""
    statement = select(Supplier).order_by(Supplier.name)
    statement = unarchived(statement, Supplier, include_archived=include_archived)
    return list(await session.scalars(statement))


def select_customers(
    *, search: str | None = None, include_archived: bool = False
) -> Select[tuple[Customer]]:
    """A query of customers by name, optionally matching `search`, for paging by the caller;
    archived customers only with `include_archived`."""
    statement = select(Customer).order_by(Customer.name, Customer.id)
    statement = unarchived(statement, Customer, include_archived=include_archived)
    if search:
        pattern = f"%{search.strip().lower()}%"
        statement = statement.where(
            func.lower(Customer.name).like(pattern) | func.lower(Customer.email).like(pattern)
        )
    return statement
