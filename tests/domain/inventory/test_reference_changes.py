"""Issue 18: correcting and retiring reference records (IN-1, IN-3, IN-4).

Edits go through the same checks as creation; values history was written with cannot change
once something uses them (RecordInUse); archived records stay on history but are offered
nowhere new; a location is archived only once empty and unused by any store.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.amazon.config import Region
from skuport.domain.errors import DuplicateName, ErrorCode, InvalidValue, RecordInUse
from skuport.domain.inventory.models import AccountKind
from skuport.domain.inventory.products.retiring import (
    archive_brand,
    archive_category,
    archive_product,
    create_brand,
    create_category,
    list_categories,
    update_category,
)
from skuport.domain.inventory.products.service import (
    create_product,
    list_products,
    set_product_price,
    update_product,
)
from skuport.domain.inventory.reference.changes import (
    archive_account,
    archive_customer,
    archive_price_tier,
    archive_supplier,
    archive_tax_rule,
    update_account,
    update_customer,
    update_price_tier,
    update_supplier,
    update_tax_rule,
)
from skuport.domain.inventory.reference.service import (
    create_customer,
    create_supplier,
    list_tax_rules,
)
from skuport.domain.inventory.sales.invoicing import get_invoice, invoice_sale
from skuport.domain.inventory.sales.lines import ProductLine
from skuport.domain.inventory.sales.service import create_sale, get_sale
from skuport.domain.inventory.stock.locations import archive_location, update_location
from skuport.domain.inventory.stock.service import (
    adjust_stock,
    count_stock,
    list_locations,
    receive_stock,
)
from skuport.domain.stores.models import Store, StoreSettings
from skuport.domain.stores.settings import SettingsChange, update_settings
from tests.domain.inventory.conftest import Shop, row_counts, stock_product
from tests.domain.inventory.sales_support import _sell


async def _store(session: AsyncSession, name: str = "Acme US", **settings: int) -> Store:
    """A store row with settings pointing at back-office records (no Amazon needed)."""
    store = Store(
        name=name,
        shop_representative_name="Acme",
        region=Region.NA,
        selling_partner_id="A1",
        lwa_client_id="client",
        lwa_client_secret_encrypted="x",
        refresh_token_encrypted="x",
        api_endpoint="https://sellingpartnerapi.example",
        token_url="https://api.example/token",
        connected_at=datetime.now(UTC),
        settings=StoreSettings(**settings),
    )
    session.add(store)
    await session.flush()
    return store


async def test_in4_a_tax_rules_rate_is_fixed_once_a_sale_uses_it_but_its_name_can_change(
    session: AsyncSession, shop: Shop
):
    mug = await stock_product(session, shop, "MUG-1")
    sale = await _sell(session, shop, ProductLine(mug.id, Decimal(1)))
    await invoice_sale(session, sale_id=sale.id)
    await session.commit()

    renamed = await update_tax_rule(session, tax_rule_id=shop.sales_tax.id, name="NY sales tax")
    assert renamed.name == "NY sales tax"
    for change in ({"rate": Decimal(9)}, {"inclusive": True}):
        with pytest.raises(RecordInUse) as in_use:
            await update_tax_rule(session, tax_rule_id=shop.sales_tax.id, **change)
        assert in_use.value.code is ErrorCode.IN_USE
        assert in_use.value.field == next(iter(change))
        assert "create a new tax rule" in in_use.value.message
        assert "1 sale line" in in_use.value.message
    # A refusal changes nothing, not even the name sent with the refused rate.
    with pytest.raises(RecordInUse):
        await update_tax_rule(
            session, tax_rule_id=shop.sales_tax.id, name="Renamed", rate=Decimal(1)
        )
    await session.commit()
    assert (await list_tax_rules(session))[0].name == "NY sales tax"
    assert (shop.sales_tax.rate, shop.sales_tax.inclusive) == (Decimal("8.875"), False)

    # The same rate unchanged is no change; an unused rule changes freely, checked as on creation.
    same = await update_tax_rule(session, tax_rule_id=shop.sales_tax.id, rate=Decimal("8.875"))
    assert same.rate == Decimal("8.875")
    unused = await update_tax_rule(session, tax_rule_id=shop.vat.id, rate=Decimal(19))
    assert unused.rate == Decimal(19) and unused.inclusive is True
    with pytest.raises(InvalidValue) as bad:
        await update_tax_rule(session, tax_rule_id=shop.vat.id, rate=Decimal(5), tax_free=True)
    assert bad.value.field == "rate"


async def test_in4_renames_refuse_a_name_another_record_has_like_creation(
    session: AsyncSession, shop: Shop
):
    refusals = [
        (update_tax_rule(session, tax_rule_id=shop.vat.id, name="tax FREE"), "name"),
        (update_price_tier(session, price_tier_id=shop.eur.id, name="amazon us"), "name"),
        (update_account(session, account_id=shop.bank.id, code="4000"), "code"),
        (update_location(session, location_id=shop.fba.id, name="MAIN warehouse"), "name"),
    ]
    for call, field in refusals:
        with pytest.raises(DuplicateName) as duplicate:
            await call
        assert duplicate.value.field == field
    other = await create_customer(session, name="Bob Buyer")
    with pytest.raises(DuplicateName):
        await update_customer(session, customer_id=other.id, name="jane buyer")
    kitchen = await create_category(session, name="Kitchen")
    await create_category(session, name="Garden")
    with pytest.raises(DuplicateName):
        await update_category(session, category_id=kitchen.id, name="garden")
    await create_brand(session, name="Acme")
    with pytest.raises(DuplicateName):
        await create_brand(session, name="acme")
    # A record keeps its own name in another case.
    assert (await update_location(session, location_id=shop.fba.id, name="AMAZON FBA")).name == (
        "AMAZON FBA"
    )


async def test_in4_an_update_changes_only_the_fields_given(session: AsyncSession, shop: Shop):
    changed = await update_customer(session, customer_id=shop.customer.id, email="jane@example.com")
    assert (changed.name, changed.email, changed.price_tier_id) == (
        "Jane Buyer",
        "jane@example.com",
        shop.usd.id,
    )
    supplier = await create_supplier(session, name="Mugs Direct", currency="EUR")
    changed_supplier = await update_supplier(session, supplier_id=supplier.id, phone="0123")
    assert (changed_supplier.currency, changed_supplier.phone) == ("EUR", "0123")
    with pytest.raises(InvalidValue) as bad:
        await update_supplier(session, supplier_id=supplier.id, currency="euros")
    assert bad.value.field == "currency"


async def test_in4_a_price_tiers_currency_is_fixed_once_a_product_is_priced_in_it(
    session: AsyncSession, shop: Shop
):
    await stock_product(session, shop, "MUG-1")  # priced in the USD tier
    with pytest.raises(RecordInUse) as in_use:
        await update_price_tier(session, price_tier_id=shop.usd.id, currency="CAD")
    assert in_use.value.field == "currency"
    assert "1 product price" in in_use.value.message
    renamed = await update_price_tier(session, price_tier_id=shop.usd.id, name="Amazon.com")
    assert (renamed.name, renamed.currency) == ("Amazon.com", "USD")
    moved = await update_price_tier(session, price_tier_id=shop.eur.id, currency="gbp")
    assert moved.currency == "GBP"


async def test_in4_an_accounts_kind_is_fixed_once_anything_points_at_it(
    session: AsyncSession, shop: Shop
):
    with pytest.raises(RecordInUse) as in_use:
        await update_account(session, account_id=shop.sales.id, kind=AccountKind.FEE)
    assert in_use.value.field == "kind" and "1 customer" in in_use.value.message
    bank_store = await _store(session, payment_account_id=shop.bank.id)
    with pytest.raises(RecordInUse) as used_by_store:
        await update_account(session, account_id=shop.bank.id, kind=AccountKind.EXPENSE)
    assert "store setting" in used_by_store.value.message
    assert bank_store.settings.payment_account_id == shop.bank.id
    renamed = await update_account(session, account_id=shop.sales.id, name="Shop sales")
    assert (renamed.name, renamed.kind) == ("Shop sales", AccountKind.REVENUE)
    fees = await update_account(session, account_id=shop.amazon_sales.id, kind=AccountKind.FEE)
    assert fees.kind == AccountKind.FEE


async def test_in4_an_archived_tax_rule_stays_on_old_invoices_but_is_offered_nowhere_new(
    session: AsyncSession, shop: Shop
):
    mug = await stock_product(session, shop, "MUG-1")
    sale = await _sell(session, shop, ProductLine(mug.id, Decimal(2)))
    invoice = await invoice_sale(session, sale_id=sale.id)
    archived = await archive_tax_rule(session, tax_rule_id=shop.sales_tax.id)
    await session.commit()
    assert archived.archived and archived.archived_at is not None
    rule_id, mug_id, customer_id = archived.id, mug.id, shop.customer.id

    assert shop.sales_tax.id not in {r.id for r in await list_tax_rules(session)}
    every = await list_tax_rules(session, include_archived=True)
    assert shop.sales_tax.id in {r.id for r in every}
    old = await get_invoice(session, invoice_id=invoice.id)
    old_sale = await get_sale(session, sale_id=old.sale_id)
    assert [line.tax_rule_id for line in old_sale.lines] == [shop.sales_tax.id]
    assert old.tax_total == invoice.tax_total

    before = await row_counts(session)
    with pytest.raises(InvalidValue) as new_sale:
        await _sell(session, shop, ProductLine(mug_id, Decimal(1)))  # the product's default
    assert new_sale.value.field == "lines[0].tax_rule_id"
    assert new_sale.value.message == "tax rule 'Sales tax' is archived; restore it or pick another"
    assert await row_counts(session) == before
    with pytest.raises(InvalidValue) as new_product:
        await create_product(session, sku="CUP-1", name="Cup", default_tax_rule_id=rule_id)
    assert new_product.value.field == "default_tax_rule_id"
    with pytest.raises(InvalidValue) as customer_default:
        await update_customer(session, customer_id=customer_id, tax_rule_id=rule_id)
    assert customer_default.value.field == "tax_rule_id"
    # The product keeps the archived rule it already has when other fields change.
    kept = await update_product(
        session, product_id=mug_id, name="Big mug", default_tax_rule_id=rule_id
    )
    assert kept.default_tax_rule_id == rule_id

    restored = await archive_tax_rule(session, tax_rule_id=rule_id, archived=False)
    assert not restored.archived
    assert (await _sell(session, shop, ProductLine(mug_id, Decimal(1)))).lines


async def test_in4_store_settings_cannot_choose_or_keep_losing_an_archived_record(
    session: AsyncSession, shop: Shop
):
    store = await _store(session, line_tax_rule_id=shop.sales_tax.id, customer_id=shop.customer.id)
    for archive in (
        archive_tax_rule(session, tax_rule_id=shop.sales_tax.id),
        archive_customer(session, customer_id=shop.customer.id),
    ):
        with pytest.raises(RecordInUse) as in_use:
            await archive
        assert "in the settings of store Acme US" in in_use.value.message
    await archive_account(session, account_id=shop.amazon_sales.id)
    await archive_tax_rule(session, tax_rule_id=shop.vat.id)
    refusals = (
        (SettingsChange(revenue_account_id=shop.amazon_sales.id), "revenue_account_id"),
        (SettingsChange(charge_tax_rule_id=shop.vat.id), "charge_tax_rule_id"),
    )
    for change, field in refusals:
        with pytest.raises(InvalidValue) as refused:
            await update_settings(session, store_id=store.id, change=change)
        assert refused.value.field == field
        assert "archived" in refused.value.message
    # Settings it already has stay acceptable when sent back unchanged.
    kept = SettingsChange(line_tax_rule_id=shop.sales_tax.id, customer_id=shop.customer.id)
    assert (await update_settings(session, store_id=store.id, change=kept)).customer_id


async def test_in3_a_location_with_stock_cannot_be_archived_until_it_is_empty(
    session: AsyncSession, shop: Shop
):
    mug = await stock_product(session, shop, "MUG-1")
    cup = await stock_product(session, shop, "CUP-1")
    for product, quantity in ((mug, 5), (cup, 2)):
        await receive_stock(
            session, product_id=product.id, location_id=shop.fba.id, quantity=Decimal(quantity)
        )
    with pytest.raises(RecordInUse) as in_use:
        await archive_location(session, location_id=shop.fba.id)
    message = in_use.value.message
    assert in_use.value.field == "location_id"
    assert "2 products" in message and "CUP-1: 2 on hand" in message
    assert "MUG-1: 5 on hand" in message
    await count_stock(session, product_id=mug.id, location_id=shop.fba.id, counted=Decimal(0))
    await adjust_stock(
        session, product_id=cup.id, location_id=shop.fba.id, change=Decimal(-2), reason="lost"
    )
    archived = await archive_location(session, location_id=shop.fba.id)
    assert archived.archived
    assert [loc.name for loc in await list_locations(session)] == ["Main warehouse"]
    assert len(await list_locations(session, include_archived=True)) == 2

    with pytest.raises(InvalidValue) as receipt:
        await receive_stock(session, product_id=mug.id, location_id=shop.fba.id, quantity=1)
    assert receipt.value.field == "location_id" and "archived" in receipt.value.message
    with pytest.raises(InvalidValue) as sale:
        await create_sale(
            session,
            customer_id=shop.customer.id,
            location_id=shop.fba.id,
            lines=[ProductLine(mug.id, Decimal(1))],
        )
    assert sale.value.field == "location_id"
    await archive_location(session, location_id=shop.fba.id, archived=False)
    await receive_stock(session, product_id=mug.id, location_id=shop.fba.id, quantity=1)


async def test_in3_a_location_allocated_to_a_sale_or_named_by_a_store_cannot_be_archived(
    session: AsyncSession, shop: Shop
):
    mug = await stock_product(session, shop, "MUG-1")
    await receive_stock(session, product_id=mug.id, location_id=shop.warehouse.id, quantity=3)
    await _sell(session, shop, ProductLine(mug.id, Decimal(3)))
    with pytest.raises(RecordInUse) as allocated:
        await archive_location(session, location_id=shop.warehouse.id)
    assert "3 allocated" in allocated.value.message

    await _store(session, "Acme EU", fba_location_id=shop.fba.id)
    with pytest.raises(RecordInUse) as in_settings:
        await archive_location(session, location_id=shop.fba.id)
    assert "Acme EU" in in_settings.value.message


async def test_in1_an_archived_product_stays_on_old_sales_but_is_not_listed_or_sold(
    session: AsyncSession, shop: Shop
):
    mug = await stock_product(session, shop, "MUG-1")
    await stock_product(session, shop, "CUP-1")
    sale = await _sell(session, shop, ProductLine(mug.id, Decimal(1)))
    await archive_product(session, product_id=mug.id)
    await session.commit()
    mug_id = mug.id

    assert [p.sku for p in await list_products(session)] == ["CUP-1"]
    assert len(await list_products(session, include_archived=True)) == 2
    assert [line.sku for line in (await get_sale(session, sale_id=sale.id)).lines] == ["MUG-1"]
    with pytest.raises(InvalidValue) as refused:
        await _sell(session, shop, ProductLine(mug_id, Decimal(1)))
    assert refused.value.field == "lines[0].product_id"
    assert "product MUG-1 is archived" in refused.value.message
    await session.rollback()
    await archive_product(session, product_id=mug_id, archived=False)
    assert len(await list_products(session)) == 2


async def test_in1_archived_categories_brands_suppliers_and_accounts_are_not_newly_chosen(
    session: AsyncSession, shop: Shop
):
    kitchen = await create_category(session, name="Kitchen")
    acme = await create_brand(session, name="Acme")
    supplier = await create_supplier(session, name="Mugs Direct")
    old = await create_product(session, sku="MUG-1", name="Mug", category="Kitchen", brand="Acme")
    await archive_category(session, category_id=kitchen.id)
    await archive_brand(session, brand_id=acme.id)
    await archive_supplier(session, supplier_id=supplier.id)
    await archive_account(session, account_id=shop.amazon_sales.id)
    await archive_price_tier(session, price_tier_id=shop.eur.id)
    assert [c.name for c in await list_categories(session)] == []

    refusals = (
        ({"category": "kitchen"}, "category"),
        ({"brand": "Acme"}, "brand"),
        ({"supplier_id": supplier.id}, "supplier_id"),
        ({"revenue_account_id": shop.amazon_sales.id}, "revenue_account_id"),
        ({"prices": {shop.eur.id: Decimal(5)}}, f"prices[{shop.eur.id}]"),
    )
    for details, field in refusals:
        with pytest.raises(InvalidValue) as refused:
            await create_product(session, sku="CUP-1", name="Cup", **details)
        assert refused.value.field == field
        assert "archived; restore it or pick another" in refused.value.message
    with pytest.raises(InvalidValue):
        await set_product_price(
            session, product_id=old.id, price_tier_id=shop.eur.id, price=Decimal(5)
        )
    with pytest.raises(InvalidValue):
        await create_customer(session, name="Bob", revenue_account_id=shop.amazon_sales.id)
    # The mug keeps its archived category and brand when its name changes.
    kept = await update_product(session, product_id=old.id, name="Big mug", category="Kitchen")
    assert (kept.category_id, kept.brand_id) == (kitchen.id, acme.id)
    await archive_customer(session, customer_id=shop.customer.id)
    with pytest.raises(InvalidValue) as customer:
        await _sell(session, shop, ProductLine(old.id, Decimal(1), unit_price=Decimal(1)))
    assert customer.value.field == "customer_id"
