"""Stores through GraphQL against the sandbox Amazon (ST-1 … ST-7)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from skuport.domain.inventory.products.service import create_product
from skuport.domain.inventory.reference.models import AccountKind
from skuport.domain.inventory.reference.service import (
    create_account,
    create_customer,
    create_price_tier,
    create_tax_rule,
)
from skuport.domain.inventory.stock.service import create_location
from skuport.domain.stores.models import Store, StoreMarketplace, StoreSettings

CONNECT = """
mutation Connect($input: ConnectStoreInput!) {
  connectStore(input: $input) {
    __typename
    ... on StoreSaved {
      store {
        id name shopRepresentativeName region status apiEndpoint
        marketplaces { marketplace { id code currency } enabled salesRepresentativeAbbreviation }
        settings {
          loadOrdersWhen consolidation invoiceStatus matchProducts fulfilmentMode
          createProductIfNotFound amazonIsMaster updateStockLevels salesRepresentative
          fbmLocationId processFbaOrders timezone orderDownloadMinutes
        }
        taxMappingGaps
      }
    }
    ... on UserError { message field }
  }
}
"""
SETTINGS = """
mutation Settings($storeId: ID!, $settings: StoreSettingsInput!) {
  updateStoreSettings(storeId: $storeId, settings: $settings) {
    __typename
    ... on StoreSaved { store { taxMappingGaps settings { customerId matchProducts
      createProductIfNotFound processFbaOrders fbaLocationId consolidation consolidationTime
      timezone countryTaxRules { countryCode taxRuleId } } } }
    ... on UserError { message field }
  }
}
"""
MARKETPLACE = """
mutation Tier($storeId: ID!, $marketplaceId: String!, $tier: ID) {
  setStoreMarketplace(storeId: $storeId, marketplaceId: $marketplaceId, priceTierId: $tier) {
    __typename
    ... on StoreSaved { store { marketplaces { marketplace { id } priceTierId } } }
    ... on UserError { message field }
  }
}
"""
DISCONNECT = """
mutation Disconnect($id: ID!) {
  disconnectStore(id: $id) { __typename ... on UserError { message } }
}
"""


async def connect(gql, seller, connect_input, **overrides):
    result = await gql(CONNECT, input=connect_input(seller, **overrides))
    return result["data"]["connectStore"]


async def test_connecting_tests_the_credentials_and_discovers_marketplaces(
    gql, sellers, connect_input
):
    """ST-3, ST-2: NA seller sells in US, CA and MX; defaults of ST-5 apply."""
    result = await connect(gql, sellers["NA"], connect_input)
    assert result["__typename"] == "StoreSaved", result
    store = result["store"]
    assert sorted(m["marketplace"]["code"] for m in store["marketplaces"]) == ["CA", "MX", "US"]
    assert {m["salesRepresentativeAbbreviation"] for m in store["marketplaces"]} == {
        "Amazon_CA", "Amazon_MX", "Amazon_US",
    }  # fmt: skip
    assert store["shopRepresentativeName"]  # defaulted
    assert store["settings"] == {
        "loadOrdersWhen": "PAID",
        "consolidation": "NONE",
        "invoiceStatus": "DRAFT",
        "matchProducts": "BY_SKU",
        "fulfilmentMode": "NONE",
        "createProductIfNotFound": False,
        "amazonIsMaster": False,
        "updateStockLevels": False,
        "salesRepresentative": "MARKETPLACE",
        "fbmLocationId": None,
        "processFbaOrders": False,
        "timezone": "America/Los_Angeles",
        "orderDownloadMinutes": 15,
    }


async def test_secrets_are_encrypted_at_rest_and_never_returned(
    gql, sellers, connect_input, sessions
):
    seller = sellers["EU"]
    saved = await connect(gql, seller, connect_input, shopRepresentativeName="Shop EU")
    assert saved["__typename"] == "StoreSaved", saved
    async with sessions() as session:
        store = await session.scalar(select(Store))
    assert seller.client_secret not in store.lwa_client_secret_encrypted
    assert seller.refresh_token not in store.refresh_token_encrypted
    introspection = await gql('{ __type(name: "Store") { fields { name } } }')
    names = {f["name"] for f in introspection["data"]["__type"]["fields"]}
    assert not names & {"lwaClientSecret", "refreshToken", "clientSecret"}


async def test_wrong_credentials_are_refused_and_nothing_is_saved(
    gql, sellers, connect_input, sessions
):
    result = await connect(gql, sellers["NA"], connect_input, refreshToken="Atzr|wrong")
    assert result["__typename"] == "ConnectionFailed"
    assert result["field"] == "refreshToken"
    assert "refused" in result["message"]
    async with sessions() as session:
        assert await session.scalar(select(func.count(Store.id))) == 0


async def test_an_unreachable_endpoint_is_a_clear_error(settings, sessions, sellers, tokens):
    """Nothing listens on port 9: the connection test fails fast with the endpoint named."""
    import httpx

    from skuport.server.app import create_app

    async def no_wait(_seconds: float) -> None:
        return None

    app = create_app(settings, amazon_sleep=no_wait)
    seller = sellers["NA"]
    variables = {
        "input": {
            "name": "nowhere",
            "region": "NA",
            "sellingPartnerId": seller.seller_id,
            "lwaClientId": seller.client_id,
            "lwaClientSecret": seller.client_secret,
            "refreshToken": seller.refresh_token,
            "apiEndpoint": "http://127.0.0.1:9",
            "tokenUrl": "http://127.0.0.1:9/auth/o2/token",
        }
    }
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            response = await client.post(
                "/graphql",
                json={"query": CONNECT, "variables": variables},
                headers={"Authorization": f"Bearer {tokens['admin']}"},
            )
    result = response.json()["data"]["connectStore"]
    assert result["__typename"] == "ConnectionFailed"
    assert "could not be reached" in result["message"] or "unreachable" in result["message"]


async def test_store_names_are_unique_and_several_stores_are_independent(
    gql, sellers, connect_input
):
    """ST-1: an NA and an EU store, each with its own settings."""
    na = await connect(gql, sellers["NA"], connect_input)
    eu = await connect(gql, sellers["EU"], connect_input)
    again = await connect(gql, sellers["EU"], connect_input)
    assert again["__typename"] == "DuplicateName" and again["field"] == "name"
    await gql(SETTINGS, storeId=na["store"]["id"], settings={"consolidation": "DAILY"})
    stores = (await gql("{ stores { name settings { consolidation timezone } } }"))["data"]
    assert {s["name"]: s["settings"]["consolidation"] for s in stores["stores"]} == {
        "EU store": "NONE",
        "NA store": "DAILY",
    }
    assert eu["store"]["settings"]["timezone"] == "Europe/London"


async def test_only_admin_connects_stores(gql, sellers, connect_input):
    result = await gql(CONNECT, role="operations", input=connect_input(sellers["NA"]))
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_settings_are_validated_as_a_whole(gql, sellers, connect_input, sessions):
    """ST-5: create-if-not-found only with BY_SKU; FBA needs a location; accounts by kind."""
    store_id = (await connect(gql, sellers["NA"], connect_input))["store"]["id"]
    async with sessions() as session, session.begin():
        fee = await create_account(session, code="600", name="Fees", kind=AccountKind.FEE)
        warehouse = await create_location(session, name="FBA network")
    refused = (
        await gql(
            SETTINGS,
            storeId=store_id,
            settings={"matchProducts": "MANUAL", "createProductIfNotFound": True},
        )
    )["data"]["updateStoreSettings"]
    assert refused["field"] == "createProductIfNotFound"
    fba = (await gql(SETTINGS, storeId=store_id, settings={"processFbaOrders": True}))["data"]
    assert fba["updateStoreSettings"]["field"] == "fbaLocationId"
    account = (await gql(SETTINGS, storeId=store_id, settings={"paymentAccountId": str(fee.id)}))[
        "data"
    ]["updateStoreSettings"]
    assert account["field"] == "paymentAccountId"
    assert "cannot receive payments" in account["message"]
    missing = (await gql(SETTINGS, storeId=store_id, settings={"customerId": "999"}))["data"]
    assert missing["updateStoreSettings"]["field"] == "customerId"
    timezone = (await gql(SETTINGS, storeId=store_id, settings={"timezone": "Mars/Base"}))["data"]
    assert timezone["updateStoreSettings"]["field"] == "timezone"
    ok = (
        await gql(
            SETTINGS,
            storeId=store_id,
            settings={
                "processFbaOrders": True,
                "fbaLocationId": str(warehouse.id),
                "consolidation": "DAILY",
                "consolidationTime": "17:30:00",
            },
        )
    )["data"]["updateStoreSettings"]
    assert ok["__typename"] == "StoreSaved"
    assert ok["store"]["settings"]["consolidationTime"] == "17:30:00"
    # a refused change left nothing behind
    async with sessions() as session:
        saved = await session.get(StoreSettings, int(store_id))
        assert saved.create_product_if_not_found is False


async def test_tax_mapping_completeness_differs_for_na_and_eu(
    gql, sellers, connect_input, sessions
):
    """ST-6: NA needs line, charge and tax-free rules; EU needs a rule per destination country."""
    na = (await connect(gql, sellers["NA"], connect_input))["store"]
    eu = (await connect(gql, sellers["EU"], connect_input))["store"]
    assert na["taxMappingGaps"] == [
        "default tax rule for lines",
        "default tax rule for additional charges",
        "tax-free rule",
    ]
    async with sessions() as session, session.begin():
        sales_tax = await create_tax_rule(session, name="Sales tax", rate=Decimal("8.875"))
        free = await create_tax_rule(session, name="Tax free", rate=Decimal(0), tax_free=True)
        vat = await create_tax_rule(session, name="VAT 20", rate=Decimal(20), inclusive=True)
    done = (
        await gql(
            SETTINGS,
            storeId=na["id"],
            settings={
                "lineTaxRuleId": str(sales_tax.id),
                "chargeTaxRuleId": str(sales_tax.id),
                "taxFreeRuleId": str(free.id),
            },
        )
    )["data"]["updateStoreSettings"]
    assert done["store"]["taxMappingGaps"] == []
    not_free = (await gql(SETTINGS, storeId=na["id"], settings={"taxFreeRuleId": str(vat.id)}))[
        "data"
    ]["updateStoreSettings"]
    assert not_free["field"] == "taxFreeRuleId"
    eu_countries = sorted(g.rsplit(" ", 1)[1] for g in eu["taxMappingGaps"] if "destination" in g)
    assert eu_countries == sorted(["GB", "DE", "FR", "IT", "ES"])
    rules = [{"countryCode": c, "taxRuleId": str(vat.id)} for c in eu_countries]
    eu_done = (
        await gql(
            SETTINGS,
            storeId=eu["id"],
            settings={
                "lineTaxRuleId": str(vat.id),
                "chargeTaxRuleId": str(vat.id),
                "countryTaxRules": rules,
            },
        )
    )["data"]["updateStoreSettings"]
    assert eu_done["store"]["taxMappingGaps"] == []


async def test_one_price_tier_cannot_serve_two_currencies(gql, sellers, connect_input, sessions):
    """ST-7: the seed only warns that prices get overwritten; we refuse."""
    store = (await connect(gql, sellers["NA"], connect_input))["store"]
    ids = {m["marketplace"]["code"]: m["marketplace"]["id"] for m in store["marketplaces"]}
    async with sessions() as session, session.begin():
        usd = await create_price_tier(session, name="Amazon USD", currency="USD")
    ok = await gql(MARKETPLACE, storeId=store["id"], marketplaceId=ids["US"], tier=str(usd.id))
    assert ok["data"]["setStoreMarketplace"]["__typename"] == "StoreSaved"
    refused = await gql(MARKETPLACE, storeId=store["id"], marketplaceId=ids["CA"], tier=str(usd.id))
    error = refused["data"]["setStoreMarketplace"]
    assert error["__typename"] == "PriceTierConflict"
    assert "USD" in error["message"] and "CAD" in error["message"]


async def test_disconnect_removes_amazon_associations_and_keeps_our_data(
    gql, sellers, connect_input, sessions
):
    """ST-4: the store, its marketplaces and settings go; products and customers stay."""
    store = (await connect(gql, sellers["NA"], connect_input))["store"]
    async with sessions() as session, session.begin():
        await create_product(session, sku="KEEP-1", name="Kept product")
        customer = await create_customer(session, name="Kept customer")
    await gql(SETTINGS, storeId=store["id"], settings={"customerId": str(customer.id)})
    result = await gql(DISCONNECT, id=store["id"])
    assert result["data"]["disconnectStore"]["__typename"] == "StoreDisconnected"
    async with sessions() as session:
        assert await session.scalar(select(func.count(Store.id))) == 0
        assert await session.scalar(select(func.count(StoreMarketplace.id))) == 0
        assert await session.scalar(select(func.count(StoreSettings.store_id))) == 0
    products = await gql("{ __typename }")
    assert products["data"]["__typename"] == "Query"
    again = await gql(DISCONNECT, id=store["id"])
    assert again["data"]["disconnectStore"]["__typename"] == "NotFound"


async def test_the_demo_offers_sandbox_sellers_and_connects_them_without_exposing_secrets(
    settings, sessions, sandbox_app, sandbox, tokens
):
    """ST-3 in the demo: the sandbox's sellers are listed and connected by id."""
    from dataclasses import replace

    import httpx

    from skuport.server.app import create_app

    clock = sandbox.state.clock
    app = create_app(
        replace(settings, sandbox_url="http://sandbox.test"),
        clock=clock,
        amazon_transport=httpx.ASGITransport(app=sandbox_app),
        amazon_sleep=clock.sleep,
    )
    headers = {"Authorization": f"Bearer {tokens['admin']}"}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            offered = await client.post(
                "/graphql",
                json={"query": "{ sandboxSellers { sellerId name region marketplaceIds } }"},
                headers=headers,
            )
            sellers = offered.json()["data"]["sandboxSellers"]
            eu = next(s for s in sellers if s["region"] == "EU")
            connected = await client.post(
                "/graphql",
                json={
                    "query": "mutation($id: String!) { connectSandboxStore(sellerId: $id) "
                    "{ __typename ... on StoreSaved { store { name marketplaces "
                    "{ marketplace { code } } } } } }",
                    "variables": {"id": eu["sellerId"]},
                },
                headers=headers,
            )
    assert {s["region"] for s in sellers} == {"NA", "EU"}
    assert "clientSecret" not in offered.text
    store = connected.json()["data"]["connectSandboxStore"]["store"]
    assert store["name"] == eu["name"]
    assert sorted(m["marketplace"]["code"] for m in store["marketplaces"]) == [
        "DE", "ES", "FR", "IT", "UK",
    ]  # fmt: skip
