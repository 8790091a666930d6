"""IN-4 price tiers, tax rules, chart of accounts, customers and suppliers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import DuplicateName, InvalidValue, NotFound
from skuport.domain.inventory.models import AccountKind, Customer
from skuport.domain.inventory.reference.service import (
    Address,
    create_account,
    create_customer,
    create_price_tier,
    create_supplier,
    create_tax_rule,
    find_customer,
)
from tests.domain.inventory.conftest import Shop, row_counts


async def test_in4_price_tiers_each_have_a_currency(session: AsyncSession):
    tier = await create_price_tier(session, name="Amazon UK", currency="gbp")
    assert tier.currency == "GBP"
    with pytest.raises(InvalidValue) as bad:
        await create_price_tier(session, name="Odd", currency="pounds")
    assert bad.value.field == "currency"
    with pytest.raises(DuplicateName):
        await create_price_tier(session, name="amazon uk", currency="GBP")


async def test_in4_tax_rules_are_inclusive_exclusive_or_tax_free(session: AsyncSession):
    vat = await create_tax_rule(session, name="VAT", rate=Decimal(19), inclusive=True)
    free = await create_tax_rule(session, name="Exempt", rate=Decimal(0), tax_free=True)
    assert (vat.rate, vat.inclusive, vat.tax_free) == (Decimal(19), True, False)
    assert free.tax_free

    for rate, tax_free in ((Decimal(-1), False), (Decimal(101), False), (Decimal(5), True)):
        with pytest.raises(InvalidValue) as bad:
            await create_tax_rule(session, name=f"Bad {rate}", rate=rate, tax_free=tax_free)
        assert bad.value.field == "rate"


async def test_in4_the_chart_of_accounts_has_revenue_bank_fee_and_expense_accounts(
    session: AsyncSession,
):
    kinds = [AccountKind.REVENUE, AccountKind.BANK, AccountKind.FEE, AccountKind.EXPENSE]
    accounts = [
        await create_account(session, code=str(4000 + i), name=kind.title(), kind=kind)
        for i, kind in enumerate(kinds)
    ]
    assert [a.kind for a in accounts] == kinds
    with pytest.raises(DuplicateName) as duplicate:
        await create_account(session, code="4000", name="Again", kind=AccountKind.FEE)
    assert duplicate.value.field == "code"


async def test_in4_customers_keep_contact_and_addresses(session: AsyncSession, shop: Shop):
    shipping = Address(
        line1="1 Main St", city="Seattle", region="WA", postcode="98101", country="US"
    )
    await create_customer(
        session,
        name="Acme Corp",
        contact_name="Wile E.",
        email="wile@acme.test",
        phone="+1 555 0100",
        billing_address=Address(line1="PO Box 1", city="Phoenix", country="US"),
        shipping_address=shipping,
        price_tier_id=shop.usd.id,
    )
    await session.commit()
    session.expunge_all()

    customer = await find_customer(session, name="ACME corp")
    assert customer is not None and customer.contact_name == "Wile E."
    assert Address.from_dict(customer.shipping_address) == shipping
    assert customer.billing_address["city"] == "Phoenix"


async def test_in4_a_customer_with_a_missing_tier_or_wrong_account_kind_is_refused(
    session: AsyncSession, shop: Shop
):
    before = await row_counts(session)
    with pytest.raises(NotFound) as tier:
        await create_customer(session, name="X", price_tier_id=999_999)
    with pytest.raises(InvalidValue) as account:
        await create_customer(session, name="X", revenue_account_id=shop.bank.id)
    with pytest.raises(DuplicateName):
        await create_customer(session, name="jane buyer")
    await session.commit()

    assert tier.value.field == "price_tier_id"
    assert account.value.field == "revenue_account_id"
    assert await row_counts(session) == before
    assert await session.get(Customer, shop.customer.id) is not None


async def test_in4_suppliers_have_contact_details(session: AsyncSession):
    supplier = await create_supplier(
        session, name="Widgets Ltd", email="orders@widgets.test", currency="eur"
    )
    assert (supplier.email, supplier.currency) == ("orders@widgets.test", "EUR")
    with pytest.raises(DuplicateName):
        await create_supplier(session, name="WIDGETS LTD")
