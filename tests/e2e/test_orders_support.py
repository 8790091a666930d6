"""Shared fixtures and GraphQL documents of the order end-to-end tests (no tests in here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import func, select

from skuport.domain.inventory.products.service import create_product, find_product_by_sku
from skuport.domain.inventory.reference.models import AccountKind
from skuport.domain.inventory.reference.service import (
    create_account,
    create_customer,
    create_tax_rule,
)
from skuport.domain.inventory.stock.service import create_location, receive_stock
from skuport.domain.jobs import Trigger
from skuport.domain.orders.scheduled import ORDERS_DOWNLOAD, download_targets
from tests.e2e.store_documents import CONNECT, SETTINGS

SANDBOX = "http://sandbox.test"
LOAD = """
mutation($storeId: ID!, $from: DateTime!, $to: DateTime, $route: OrderRoute) {
  loadOrders(storeId: $storeId, from: $from, to: $to, route: $route) {
    __typename ... on JobStarted { run { id } } ... on UserError { message field }
  }
}
"""
RUN = """
query($id: ID!) {
  run(id: $id) { ... on OperationRun { operation status processed skipped cancelled message
    windowStart windowEnd errors { item reason } } }
}
"""
LOG = """
query($storeId: ID!, $filter: OrderLogFilterInput) {
  orderLog(storeId: $storeId, filter: $filter, first: 100) {
    totalCount
    nodes { id amazonOrderId amazonStatus state fulfilment paymentApplied autoShipped note
      sale { id number status pickStatus packStatus shipStatus invoiceStatus total paid
        paymentStatus } }
  }
}
"""
PENDING = """
query($storeId: ID!) {
  pendingOrders(storeId: $storeId, first: 100) {
    totalCount
    nodes { amazonOrderId currency total paid taxInclusive billingName companyName isBusiness
      shippingAddress { name line1 city postcode country }
      lines { sellerSku productId isServiceLine quantity unitPrice lineTotal taxAmount taxRuleId }
      charges { kind amount taxAmount taxRuleId } }
  }
}
"""
ATTENTION = """
query($storeId: ID) {
  attentionItems(storeId: $storeId) { id amazonOrderId stage reason detail attempts }
}
"""
PROCESS = """
mutation($storeId: ID!) {
  processPendingOrders(storeId: $storeId) { __typename ... on JobStarted { run { id } } }
}
"""
DOWNLOAD_CATALOG = """
mutation($storeId: ID!) {
  downloadCatalog(storeId: $storeId) { __typename ... on JobStarted { run { id } } }
}
"""
NOTIFICATIONS = """
query { notifications(unreadOnly: true, first: 100) { totalCount nodes { id kind message } } }
"""


@dataclass
class Shop:
    """A connected sandbox store with its tax rules, location, accounts and a daily customer."""

    id: str
    codes: dict[str, str]
    seller_id: str
    location_id: int
    line_rule: int
    charge_rule: int
    free_rule: int
    bank_id: int
    customer_id: int


@pytest.fixture
def amazon(sandbox_app):
    """The sandbox's control API (create, cancel, break orders; faults; clock)."""

    async def call(method: str, path: str, **body):
        transport = httpx.ASGITransport(app=sandbox_app)
        async with httpx.AsyncClient(transport=transport, base_url=SANDBOX) as client:
            response = await client.request(method, path, json=body or None)
        assert response.status_code < 300, response.text
        return response.json()

    return call


@pytest.fixture
def shop(gql, sellers, connect_input, sessions):
    """Connect a seller with a complete tax mapping and an FBM location (ST-6 satisfied)."""

    async def make(region: str = "NA", *, mapped: bool = True, **settings) -> Shop:
        seller = sellers[region]
        result = await gql(CONNECT, input=connect_input(seller))
        saved = result["data"]["connectStore"]["store"]
        codes = {m["marketplace"]["code"]: m["marketplace"]["id"] for m in saved["marketplaces"]}
        async with sessions() as session, session.begin():
            location = await create_location(session, name=f"Warehouse {region}")
            inclusive = region == "EU"
            line = await create_tax_rule(
                session,
                name=f"Sales {region}",
                rate=Decimal("8.25") if not inclusive else Decimal(20),
                inclusive=inclusive,
            )
            charge = await create_tax_rule(
                session,
                name=f"Charges {region}",
                rate=Decimal("8.25") if not inclusive else Decimal(20),
                inclusive=inclusive,
            )
            free = await create_tax_rule(
                session, name=f"Tax free {region}", rate=Decimal(0), tax_free=True
            )
            bank = await create_account(
                session, code=f"12{region}", name=f"Amazon {region}", kind=AccountKind.BANK
            )
            customer = await create_customer(session, name=f"Amazon daily {region}")
        shop = Shop(
            saved["id"],
            codes,
            seller.seller_id,
            location.id,
            line.id,
            charge.id,
            free.id,
            bank.id,
            customer.id,
        )
        values: dict = {"fbmLocationId": str(location.id), "customerId": str(customer.id)}
        if mapped:
            values |= {
                "lineTaxRuleId": str(line.id),
                "chargeTaxRuleId": str(charge.id),
                "taxFreeRuleId": str(free.id),
            }
            if region == "EU":
                values["countryTaxRules"] = [
                    {"countryCode": c, "taxRuleId": str(line.id)}
                    for c in ("GB", "DE", "FR", "IT", "ES")
                ]
        values |= settings
        changed = await gql(SETTINGS, storeId=shop.id, settings=values)
        assert changed["data"]["updateStoreSettings"]["__typename"] == "StoreSaved", changed
        return shop

    return make


@pytest.fixture
def load(gql, app, sandbox):
    """Load a store's orders for the last `days` through GraphQL and wait for the run."""

    async def run(store_id: str, *, days: float = 31, route: str | None = None) -> dict:
        now = sandbox.state.clock.now()
        variables = {"storeId": store_id, "from": (now - timedelta(days=days)).isoformat()}
        if route:
            variables["route"] = route
        started = await gql(LOAD, role="operations", **variables)
        assert started["data"]["loadOrders"]["__typename"] == "JobStarted", started
        await app.state.services.runner.drain()
        return (await gql(RUN, id=started["data"]["loadOrders"]["run"]["id"]))["data"]["run"]

    return run


@pytest.fixture
def drain(app):
    """Wait for every background run (a function taking anything, for convenience)."""

    async def wait(*_args) -> None:
        await app.state.services.runner.drain()

    return wait


@pytest.fixture
def scheduled(app, sessions):
    """Run the scheduled download of a store once, as the scheduler would."""

    async def run(store_id: str):
        async with sessions() as session:
            target = {t.key: t for t in await download_targets(session)}[store_id]
        entry = await app.state.services.runner.run(
            ORDERS_DOWNLOAD, trigger=Trigger.SCHEDULER, triggered_by="scheduler", target=target
        )
        return entry

    return run


async def log_rows(gql, store_id: str, **filter) -> list[dict]:
    result = await gql(LOG, storeId=store_id, filter=filter or None)
    assert "errors" not in result, result
    return result["data"]["orderLog"]["nodes"]


def seller_orders(sandbox, seller_id: str, *statuses: str) -> list:
    return [
        o for o in sandbox.state.seller_orders(seller_id) if not statuses or o.status in statuses
    ]


async def count(sessions, model) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count(model.id)))


async def stock_product(sessions, sku: str, location_id: int, quantity: int = 10) -> int:
    """Our product for `sku` (made once), with `quantity` more units received."""
    async with sessions() as session, session.begin():
        product = await find_product_by_sku(session, sku=sku)
        if product is None:
            product = await create_product(session, sku=sku, name=f"Product {sku}")
        if quantity:
            await receive_stock(
                session, product_id=product.id, location_id=location_id, quantity=Decimal(quantity)
            )
        return product.id
