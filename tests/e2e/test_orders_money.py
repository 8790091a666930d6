"""Money rules from order to sale: totals stay Amazon's, EU charges, the daily sale's day.

OR-6 (tax mapping keeps Amazon's totals), ST-5 (settings refuse mappings that cannot),
PR-2 (the DAILY sale is named after the store-local business day).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update

from skuport.domain.inventory.reference.service import create_tax_rule
from skuport.domain.inventory.sales.models import Sale
from skuport.domain.stores.models import StoreSettings
from skuport.sandbox.render_orders import line_total
from tests.e2e import test_orders_support as support
from tests.e2e.orders_processing_support import new_order
from tests.e2e.test_orders_support import PENDING, PROCESS, SETTINGS, log_rows, seller_orders

amazon, shop, load, scheduled = support.amazon, support.shop, support.load, support.scheduled
drain = support.drain

SALE = """
query($id: ID!) {
  sale(id: $id) { reference invoice { total taxTotal paid balance } }
}
"""
GAPS = "query($id: ID!) { store(id: $id) { taxMappingGaps } }"


async def _rule(sessions, name: str, rate: str, *, inclusive: bool) -> str:
    async with sessions() as session, session.begin():
        rule = await create_tax_rule(session, name=name, rate=Decimal(rate), inclusive=inclusive)
    return str(rule.id)


async def test_or6_a_us_mapping_that_would_drop_amazons_tax_is_refused(gql, shop, sessions):
    """OR-6, ST-5: an inclusive rule on a US store would leave Amazon's tax out of the total."""
    store = await shop("NA")
    inclusive = await _rule(sessions, "VAT 20 inclusive", "20", inclusive=True)
    for field in ("lineTaxRuleId", "chargeTaxRuleId"):
        refused = (await gql(SETTINGS, storeId=store.id, settings={field: inclusive}))["data"]
        error = refused["updateStoreSettings"]
        assert error["__typename"] == "InvalidInput", error
        assert error["field"] == field
        assert "Amazon's tax" in error["message"] and "VAT 20 inclusive" in error["message"]


async def test_or6_a_us_mapping_saved_before_the_check_skips_orders_instead_of_invoicing_short(
    gql, shop, amazon, scheduled, sessions
):
    """OR-6: an inclusive US rule saved before the settings refused it shows as a gap of the
    tax mapping, and orders are skipped with that reason instead of invoiced short."""
    store = await shop("NA")
    inclusive = await _rule(sessions, "VAT 20 inclusive", "20", inclusive=True)
    async with sessions() as session, session.begin():  # as an earlier version saved it
        await session.execute(
            update(StoreSettings)
            .where(StoreSettings.store_id == int(store.id))
            .values(line_tax_rule_id=int(inclusive))
        )
    gaps = (await gql(GAPS, id=store.id))["data"]["store"]["taxMappingGaps"]
    assert gaps == ["a default tax rule for lines that adds tax (now 'VAT 20 inclusive')"]
    created, _, _ = await new_order(amazon, store, sessions, variant=1)
    entry = await scheduled(store.id)
    reasons = {e["item"]: e["reason"] for e in entry.errors}
    assert "VAT 20 inclusive" in reasons[created["orderId"]], reasons
    async with sessions() as session:
        assert await session.scalar(select(func.count(Sale.id))) == 0


async def test_or6_an_eu_mapping_that_would_add_vat_on_top_is_refused(gql, shop, sessions):
    """OR-6, ST-5: Amazon Europe's prices include VAT; a rule adding tax would charge it twice."""
    store = await shop("EU")
    exclusive = await _rule(sessions, "Sales tax 8", "8", inclusive=False)
    refused = await gql(SETTINGS, storeId=store.id, settings={"lineTaxRuleId": exclusive})
    assert refused["data"]["updateStoreSettings"]["field"] == "lineTaxRuleId"
    countries = {"countryTaxRules": [{"countryCode": "DE", "taxRuleId": exclusive}]}
    refused = await gql(SETTINGS, storeId=store.id, settings=countries)
    error = refused["data"]["updateStoreSettings"]
    assert error["__typename"] == "InvalidInput" and error["field"] == "countryTaxRules"
    assert "DE" in error["message"] and "include VAT" in error["message"]


async def test_or6_a_us_sale_with_tax_and_gift_wrap_totals_amazons_order_total(
    gql, shop, amazon, scheduled, sessions, sandbox
):
    """OR-6, PA-1: the invoice and its payment are Amazon's order total, taxes included."""
    store = await shop("NA")
    await gql(SETTINGS, storeId=store.id, settings={"paymentAccountId": str(store.bank_id)})
    created, _, _ = await new_order(amazon, store, sessions, variant=1)  # gift-wrapped
    await scheduled(store.id)
    order = next(
        o for o in seller_orders(sandbox, store.seller_id) if o.order_id == created["orderId"]
    )
    assert any(line.gift_wrap_tax for line in order.lines)  # taxed gift wrap, as in the report
    amazon_total = sum(line_total(line) for line in order.lines)
    row = (await log_rows(gql, store.id, amazonOrderId=created["orderId"]))[0]
    sale = (await gql(SALE, id=row["sale"]["id"]))["data"]["sale"]
    invoice = sale["invoice"]
    assert Decimal(invoice["total"]) == amazon_total
    assert Decimal(invoice["taxTotal"]) == sum(
        line.item_tax + line.shipping_tax + line.gift_wrap_tax for line in order.lines
    )
    assert Decimal(invoice["paid"]) == amazon_total and Decimal(invoice["balance"]) == 0


async def test_or6_eu_charges_take_the_destination_countrys_rule_without_a_charge_rule(
    gql, shop, load, sessions
):
    """OR-6 (EU): no charge rule is asked for; shipping and gift wrap follow the destination."""
    store = await shop("EU", mapped=False, consolidation="DAILY")
    by_country = {
        c: await _rule(sessions, f"VAT {c}", rate, inclusive=True)
        for c, rate in (("GB", "20"), ("DE", "19"), ("FR", "20"), ("IT", "22"), ("ES", "21"))
    }
    settings = {
        "lineTaxRuleId": by_country["GB"],
        "taxFreeRuleId": str(store.free_rule),
        "countryTaxRules": [{"countryCode": c, "taxRuleId": r} for c, r in by_country.items()],
    }
    saved = await gql(SETTINGS, storeId=store.id, settings=settings)
    assert saved["data"]["updateStoreSettings"]["__typename"] == "StoreSaved", saved
    gaps = (await gql(GAPS, id=store.id))["data"]["store"]["taxMappingGaps"]
    assert gaps == []
    await load(store.id)
    nodes = (await gql(PENDING, storeId=store.id))["data"]["pendingOrders"]["nodes"]
    charges = [(n["shippingAddress"]["country"], c) for n in nodes for c in n["charges"]]
    assert charges
    for country, charge in charges:
        expected = by_country.get(country, str(store.free_rule))
        assert charge["taxRuleId"] == expected, (country, charge)
    assert {country for country, _ in charges} & set(by_country)


async def _advance_to(amazon, moment: datetime) -> None:
    now = datetime.fromisoformat((await amazon("GET", "/_sandbox/clock"))["now"])
    await amazon("POST", "/_sandbox/clock", seconds=(moment - now).total_seconds())


async def test_pr2_the_daily_sale_is_named_after_the_store_local_business_day(
    gql, shop, amazon, scheduled, drain, sessions
):
    """PR-1, PR-2 (DAILY): an 18:00 Los Angeles store's sale is the local day's, not UTC's."""
    la = ZoneInfo("America/Los_Angeles")
    store = await shop(
        "NA", consolidation="DAILY", timezone="America/Los_Angeles", consolidationTime="18:00:00"
    )
    now = datetime.fromisoformat((await amazon("GET", "/_sandbox/clock"))["now"]).astimezone(la)
    evening = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), la)
    evening = evening.replace(hour=17, minute=30)  # 00:30 or 01:30 UTC on the next UTC day
    await _advance_to(amazon, evening)
    # what was waiting before is sold first, so the day's sale holds only the new order
    await scheduled(store.id)
    await gql(PROCESS, role="operations", storeId=store.id)
    await drain()
    created, _, _ = await new_order(amazon, store, sessions)
    await scheduled(store.id)
    await _advance_to(amazon, evening.replace(hour=18, minute=5))
    await gql(PROCESS, role="operations", storeId=store.id)
    await drain()
    row = (await log_rows(gql, store.id, amazonOrderId=created["orderId"]))[0]
    sale = (await gql(SALE, id=row["sale"]["id"]))["data"]["sale"]
    local_day = evening.date().isoformat()
    assert evening.astimezone(ZoneInfo("UTC")).date().isoformat() != local_day
    assert sale["reference"].endswith(f" {local_day}"), sale["reference"]
