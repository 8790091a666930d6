"""Correct and retire reference data (IN-4): edit tax rules, accounts, price tiers, customers and
suppliers, and archive or restore them.

Every field goes through the same check as when the record was created (`service`). A value
that history was written with cannot change once something points at it: a tax rule's rate
(sale and invoice lines keep the amounts it gave), an account's kind, a price tier's currency.
Archived records stay where history points at them but are offered nowhere new; a record a
store's settings point at cannot be archived until the store points elsewhere.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import RecordInUse
from skuport.domain.inventory.products.models import Product, ProductPrice
from skuport.domain.inventory.records import describe, load, set_archived
from skuport.domain.inventory.reference.models import (
    Account,
    AccountKind,
    Customer,
    PriceTier,
    Supplier,
    TaxRule,
)
from skuport.domain.inventory.reference.service import (
    Address,
    check_customer_defaults,
    checked_contact,
    checked_currency,
    checked_name,
    checked_rate,
)
from skuport.domain.inventory.reference.usage import refuse_if_stores_use, uses
from skuport.domain.inventory.sales.models import Payment, Sale, SaleLine
from skuport.domain.inventory.values import required_text
from skuport.domain.stores.models import StoreSettings

R = TypeVar("R", TaxRule, Account, PriceTier, Customer, Supplier)

__all__ = [
    "archive_account",
    "archive_customer",
    "archive_price_tier",
    "archive_supplier",
    "archive_tax_rule",
    "update_account",
    "update_customer",
    "update_price_tier",
    "update_supplier",
    "update_tax_rule",
]


async def update_tax_rule(
    session: AsyncSession,
    *,
    tax_rule_id: int,
    name: str | None = None,
    rate: Decimal | None = None,
    inclusive: bool | None = None,
    tax_free: bool | None = None,
) -> TaxRule:
    """Rename a tax rule, or change how it taxes while no sale line uses it yet."""
    rule = await load(session, TaxRule, tax_rule_id, field="tax_rule_id", lock=True)
    values: dict[str, object] = {}
    if name is not None:
        values["name"] = await checked_name(
            session, TaxRule, name, max_length=100, exclude_id=rule.id
        )
    wanted = {
        "rate": rule.rate if rate is None else rate,
        "inclusive": rule.inclusive if inclusive is None else inclusive,
        "tax_free": rule.tax_free if tax_free is None else tax_free,
    }
    wanted["rate"] = checked_rate(wanted["rate"], tax_free=bool(wanted["tax_free"]))
    changed = [key for key, value in wanted.items() if value != getattr(rule, key)]
    if changed:
        used = await uses(session, rule.id, [("sale line", SaleLine.tax_rule_id)])
        if used:
            raise RecordInUse(
                changed[0],
                f"{describe(rule)} is already on {', '.join(used)}, whose invoices keep the "
                "tax it gave; create a new tax rule with the new rate and pick that instead",
            )
        if rule.tax_free and not wanted["tax_free"]:
            await refuse_if_stores_use(session, rule, field="tax_free", action="make it taxable")
    return await _apply(session, rule, {**values, **wanted})


async def update_price_tier(
    session: AsyncSession,
    *,
    price_tier_id: int,
    name: str | None = None,
    currency: str | None = None,
) -> PriceTier:
    """Rename a price tier, or change its currency while no price or store uses it."""
    tier = await load(session, PriceTier, price_tier_id, field="price_tier_id", lock=True)
    values: dict[str, object] = {}
    if name is not None:
        values["name"] = await checked_name(
            session, PriceTier, name, max_length=100, exclude_id=tier.id
        )
    if currency is not None:
        code = checked_currency(currency)
        if code != tier.currency:
            used = await uses(session, tier.id, [("product price", ProductPrice.price_tier_id)])
            if used:
                raise RecordInUse(
                    "currency",
                    f"{describe(tier)} already holds {', '.join(used)} in {tier.currency}; "
                    f"create a new price tier in {code} instead",
                )
            await refuse_if_stores_use(
                session, tier, field="currency", action="change its currency"
            )
            values["currency"] = code
    return await _apply(session, tier, values)


# Everything that records an account: its kind cannot change under them.
_ACCOUNT_USES = (
    ("customer", Customer.revenue_account_id),
    ("product", Product.revenue_account_id),
    ("sale", Sale.revenue_account_id),
    ("sale line", SaleLine.revenue_account_id),
    ("payment", Payment.account_id),
    ("store setting", StoreSettings.revenue_account_id),
    ("store setting", StoreSettings.payment_account_id),
)


async def update_account(
    session: AsyncSession,
    *,
    account_id: int,
    code: str | None = None,
    name: str | None = None,
    kind: AccountKind | None = None,
) -> Account:
    """Change an account's code or name, or its kind while nothing points at it."""
    account = await load(session, Account, account_id, field="account_id", lock=True)
    values: dict[str, object] = {}
    if code is not None:
        values["code"] = await checked_name(
            session, Account, code, column="code", max_length=20, exclude_id=account.id
        )
    if name is not None:
        values["name"] = required_text(name, field="name", max_length=100)
    if kind is not None and AccountKind(kind) != account.kind:
        used = await uses(session, account.id, _ACCOUNT_USES)
        if used:
            raise RecordInUse(
                "kind",
                f"{describe(account)} is already used by {', '.join(used)} as a {account.kind} "
                "account; create a new account of the other kind instead",
            )
        values["kind"] = AccountKind(kind)
    return await _apply(session, account, values)


async def update_customer(
    session: AsyncSession,
    *,
    customer_id: int,
    name: str | None = None,
    contact_name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    billing_address: Address | None = None,
    shipping_address: Address | None = None,
    price_tier_id: int | None = None,
    tax_rule_id: int | None = None,
    revenue_account_id: int | None = None,
) -> Customer:
    """Change the given fields of a customer; fields left as None stay as they are."""
    customer = await load(session, Customer, customer_id, field="customer_id", lock=True)
    values: dict[str, object] = {}
    if name is not None:
        values["name"] = await checked_name(session, Customer, name, exclude_id=customer.id)
    values.update(_contact(customer, contact_name=contact_name, email=email, phone=phone))
    defaults = {
        key: value
        for key, value in (
            ("price_tier_id", price_tier_id),
            ("tax_rule_id", tax_rule_id),
            ("revenue_account_id", revenue_account_id),
        )
        if value is not None
    }
    await check_customer_defaults(session, defaults, customer=customer)
    values.update(defaults)
    if billing_address is not None:
        values["billing_address"] = billing_address.as_dict()
    if shipping_address is not None:
        values["shipping_address"] = shipping_address.as_dict()
    return await _apply(session, customer, values)


def _contact(
    record: Customer | Supplier, *, contact_name: str | None, email: str | None, phone: str | None
) -> dict[str, str]:
    """The contact details given (None: unchanged), each checked as on creation."""
    given = {"contact_name": contact_name, "email": email, "phone": phone}
    merged = {key: getattr(record, key) if v is None else v for key, v in given.items()}
    return {k: v for k, v in checked_contact(**merged).items() if given[k] is not None}


async def _apply(session: AsyncSession, record: R, values: dict[str, object]) -> R:
    """Write the checked `values`: only once every check passed, so a refusal changes nothing."""
    for key, value in values.items():
        setattr(record, key, value)
    await session.flush()
    return record


async def update_supplier(
    session: AsyncSession,
    *,
    supplier_id: int,
    name: str | None = None,
    contact_name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    address: Address | None = None,
    currency: str | None = None,
) -> Supplier:
    """Change the given fields of a supplier; fields left as None stay as they are (an empty
    currency clears it)."""
    supplier = await load(session, Supplier, supplier_id, field="supplier_id", lock=True)
    values: dict[str, object] = {}
    if name is not None:
        values["name"] = await checked_name(session, Supplier, name, exclude_id=supplier.id)
    values.update(_contact(supplier, contact_name=contact_name, email=email, phone=phone))
    if address is not None:
        values["address"] = address.as_dict()
    if currency is not None:
        values["currency"] = checked_currency(currency) if currency.strip() else ""
    return await _apply(session, supplier, values)


async def archive_tax_rule(
    session: AsyncSession, *, tax_rule_id: int, archived: bool = True
) -> TaxRule:
    """Archive a tax rule (old sales and invoices keep it), or restore it."""
    rule = await load(session, TaxRule, tax_rule_id, field="tax_rule_id", lock=True)
    return await _archive(session, rule, archived, field="tax_rule_id")


async def archive_account(
    session: AsyncSession, *, account_id: int, archived: bool = True
) -> Account:
    """Archive an account (what was booked to it stays), or restore it."""
    account = await load(session, Account, account_id, field="account_id", lock=True)
    return await _archive(session, account, archived, field="account_id")


async def archive_price_tier(
    session: AsyncSession, *, price_tier_id: int, archived: bool = True
) -> PriceTier:
    """Archive a price tier (its prices stay on the products), or restore it."""
    tier = await load(session, PriceTier, price_tier_id, field="price_tier_id", lock=True)
    return await _archive(session, tier, archived, field="price_tier_id")


async def archive_customer(
    session: AsyncSession, *, customer_id: int, archived: bool = True
) -> Customer:
    """Archive a customer (their sales stay), or restore them."""
    customer = await load(session, Customer, customer_id, field="customer_id", lock=True)
    return await _archive(session, customer, archived, field="customer_id")


async def archive_supplier(
    session: AsyncSession, *, supplier_id: int, archived: bool = True
) -> Supplier:
    """Archive a supplier (their products and drop-ship orders keep them), or restore them."""
    supplier = await load(session, Supplier, supplier_id, field="supplier_id", lock=True)
    return await _archive(session, supplier, archived, field="supplier_id")


async def _archive(session: AsyncSession, record: R, archived: bool, *, field: str) -> R:
    """Archive `record` unless a store's settings point at it; restoring is always allowed."""
    if archived and record.archived_at is None:
        await refuse_if_stores_use(session, record, field=field, action="archive it")
    set_archived(session, record, archived)
    await session.flush()
    return record
