"""Going live: a store whose Amazon application lacks the restricted roles (OR-1, OR-4, OR-6,
ST-3). Amazon leaves out the buyer's and recipient's personal data; the order is captured all
the same with the store's customer and the address data Amazon still gives, the order log says
so, an EU order without a destination country is taxed for its marketplace's country, and the
store's page says which restricted roles the application lacks."""

from __future__ import annotations

from sqlalchemy import select

from skuport.domain.inventory.sales.models import Sale, SaleLine
from tests.e2e import test_orders_support as support
from tests.e2e.test_orders_support import log_rows, stock_product

amazon, shop, load = support.amazon, support.shop, support.load

NOT_RESTRICTED = ["Inventory and Order Tracking", "Product Listing", "Finance and Accounting"]
STORES = "query { stores { id restrictedRoles { name granted withoutIt } } }"


async def _stage(amazon, store, **order) -> dict:  # type: ignore[no-untyped-def]
    staged = (await amazon("POST", "/_sandbox/orders", sellerId=store.seller_id, **order))["order"]
    await amazon("POST", "/_sandbox/clock", seconds=900)  # Amazon lists orders two minutes late
    return staged


async def _sale_of(sessions, order_id: str) -> Sale:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        sale = await session.scalar(select(Sale).where(Sale.reference == order_id))
        assert sale is not None
        return sale


async def test_or1_or4_an_order_without_personal_data_is_captured_with_the_store_customer(
    gql, shop, load, amazon, sessions
):
    """OR-1/OR-4: without the Direct-to-Consumer Delivery role Amazon sends no buyer name,
    street or postal code; the sale takes the store's customer and Amazon's city and country,
    and the order log and the store's page say what is missing."""
    store = await shop("EU")
    await amazon("POST", f"/_sandbox/sellers/{store.seller_id}/roles", roles=NOT_RESTRICTED)
    await stock_product(sessions, "LIVE-MUG", store.location_id, 10)
    staged = await _stage(
        amazon,
        store,
        marketplaceId=store.codes["FR"],
        shipTo={"countryCode": "FR", "city": "Lyon", "name": "Jean Dupont", "postalCode": "69001"},
        buyer={"buyerName": "Jean Dupont"},
        lines=[{"sku": "LIVE-MUG", "quantity": 1, "unitPrice": "12.00"}],
    )

    run = await load(store.id, days=1, route="SEARCH")

    assert run["status"] == "SUCCEEDED", run
    (row,) = [r for r in await log_rows(gql, store.id) if r["amazonOrderId"] == staged["orderId"]]
    assert row["state"] == "PROCESSED", row
    assert "Direct-to-Consumer Delivery" in row["note"]
    sale = await _sale_of(sessions, staged["orderId"])
    assert sale.customer_id == store.customer_id
    assert "Jean" not in str(sale.__dict__)  # no personal data reached us
    stores = (await gql(STORES))["data"]["stores"]
    (page,) = [s for s in stores if s["id"] == store.id]
    assert {r["name"]: r["granted"] for r in page["restrictedRoles"]} == {
        "Direct-to-Consumer Delivery": False,
        "Tax Invoicing": False,
    }
    assert "customer" in page["restrictedRoles"][0]["withoutIt"]


async def test_or6_an_eu_order_without_a_destination_is_taxed_for_its_marketplace_country(
    gql, shop, load, amazon, sessions
):
    """OR-6: an EU order Amazon gives no destination country for takes the store's rule for
    the marketplace's country (not the tax-free rule), and the order log says so."""
    store = await shop("EU")
    await stock_product(sessions, "LIVE-LAMP", store.location_id, 10)
    staged = await _stage(
        amazon,
        store,
        marketplaceId=store.codes["DE"],
        shipTo={"countryCode": "", "city": "Berlin"},
        lines=[{"sku": "LIVE-LAMP", "quantity": 1, "unitPrice": "30.00"}],
    )

    run = await load(store.id, days=1, route="SEARCH")

    assert run["status"] == "SUCCEEDED", run
    (row,) = [r for r in await log_rows(gql, store.id) if r["amazonOrderId"] == staged["orderId"]]
    assert "no destination country" in row["note"] and "DE" in row["note"], row
    sale = await _sale_of(sessions, staged["orderId"])
    async with sessions() as session:
        rules = set(
            await session.scalars(select(SaleLine.tax_rule_id).where(SaleLine.sale_id == sale.id))
        )
    assert store.free_rule not in rules
    assert store.line_rule in rules


async def test_st3_a_store_whose_application_has_the_roles_says_so(
    gql, shop, load, amazon, sessions
):
    """ST-3: with every role, the buyer's name arrives and the store's page says the roles
    are there."""
    store = await shop("EU")
    await stock_product(sessions, "LIVE-CUP", store.location_id, 10)
    await _stage(
        amazon,
        store,
        marketplaceId=store.codes["FR"],
        lines=[{"sku": "LIVE-CUP", "quantity": 1, "unitPrice": "8.00"}],
    )
    before = (await gql(STORES))["data"]["stores"]
    assert all(r["granted"] is None for s in before for r in s["restrictedRoles"])

    await load(store.id, days=1, route="SEARCH")

    (page,) = [s for s in (await gql(STORES))["data"]["stores"] if s["id"] == store.id]
    assert all(r["granted"] is True for r in page["restrictedRoles"])
