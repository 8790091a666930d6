"""FU-1: shipped FBM sales of Amazon orders are confirmed to the sandbox Amazon, with retries."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from skuport.domain.inventory.products.service import create_product
from skuport.domain.inventory.reference.service import (
    create_customer,
    create_price_tier,
    create_tax_rule,
)
from skuport.domain.inventory.sales.fulfilment import pack_sale, pick_sale, ship_sale
from skuport.domain.inventory.sales.lines import ProductLine
from skuport.domain.inventory.sales.service import create_sale
from skuport.domain.inventory.stock.service import create_location, receive_stock
from skuport.domain.orders.models import (
    LogState,
    Notification,
    OrderFulfilment,
    OrderLogEntry,
    ShipmentConfirmation,
)
from skuport.sandbox.faults import Fault

CONNECT = """
mutation($input: ConnectStoreInput!) {
  connectStore(input: $input) { __typename ... on StoreSaved { store { id } } }
}
"""
SETTINGS = """
mutation($storeId: ID!, $settings: StoreSettingsInput!) {
  updateStoreSettings(storeId: $storeId, settings: $settings) { __typename }
}
"""
CONFIRM_NOW = """
mutation { triggerJob(name: "confirm_shipments") { __typename ... on JobStarted { run { id } } } }
"""
RUN = """
query($id: ID!) { run(id: $id) { ... on OperationRun { status processed skipped message
  errors { item reason } } } }
"""
CONFIRMATIONS = """
query($storeId: ID!, $state: ShipmentConfirmationState) {
  shipmentConfirmations(storeId: $storeId, state: $state) {
    logEntryId amazonOrderId marketplaceId saleId state attempts error carrier trackingNumber
  }
}
"""
RETRY = """
mutation($id: ID!) {
  retryShipmentConfirmation(logEntryId: $id) {
    __typename
    ... on ShipmentConfirmationTried { confirmed confirmation { state attempts error } }
    ... on UserError { message }
  }
}
"""


@pytest.fixture
def na_store(gql, sellers, connect_input):
    async def connect(**settings) -> int:
        result = await gql(CONNECT, input=connect_input(sellers["NA"]))
        store_id = result["data"]["connectStore"]["store"]["id"]
        if settings:
            changed = await gql(SETTINGS, storeId=store_id, settings=settings)
            assert changed["data"]["updateStoreSettings"]["__typename"] == "StoreSaved", changed
        return int(store_id)

    return connect


def unshipped_orders(sandbox, seller, fulfilled_by: str = "MERCHANT"):
    return sorted(
        (
            o
            for o in sandbox.state.orders.values()
            if o.seller_id == seller.seller_id
            and o.fulfilled_by == fulfilled_by
            and o.status in ("UNSHIPPED", "SHIPPED")
            and (fulfilled_by == "AMAZON" or o.status == "UNSHIPPED")
        ),
        key=lambda o: o.order_id,
    )


@pytest.fixture
def shipped_sale(sessions):
    """An Amazon order's sale, shipped with a carrier, and its log entry (as processing makes)."""

    async def make(
        store_id: int,
        order,
        *,
        carrier: str = "UPS",
        tracking: str = "1Z999AA10123456784",
        fulfilment: OrderFulfilment = OrderFulfilment.FBM,
        auto_shipped: bool = False,
    ) -> int:
        async with sessions() as session, session.begin():
            tier = await create_price_tier(session, name=f"T {order.order_id}", currency="USD")
            rule = await create_tax_rule(session, name=f"R {order.order_id}", rate=Decimal(0))
            customer = await create_customer(session, name=f"Buyer {order.order_id}")
            where = await create_location(session, name=f"L {order.order_id}")
            product = await create_product(
                session,
                sku=f"P-{order.order_id}",
                name="Shipped thing",
                prices={tier.id: Decimal("10.00")},
                default_tax_rule_id=rule.id,
            )
            await receive_stock(
                session, product_id=product.id, location_id=where.id, quantity=Decimal(5)
            )
            sale = await create_sale(
                session,
                customer_id=customer.id,
                location_id=where.id,
                price_tier_id=tier.id,
                lines=[ProductLine(product.id, Decimal(1))],
                reference=order.order_id,
            )
            await pick_sale(session, sale_id=sale.id)
            await pack_sale(session, sale_id=sale.id)
            await ship_sale(session, sale_id=sale.id, carrier=carrier, tracking_number=tracking)
            now = order.created
            entry = OrderLogEntry(
                store_id=store_id,
                marketplace_id=order.marketplace_id,
                amazon_order_id=order.order_id,
                amazon_status=order.status,
                fulfilment=fulfilment,
                purchased_at=now,
                amazon_updated_at=now,
                captured_at=now,
                state=LogState.PROCESSED,
                sale_id=sale.id,
                auto_shipped=auto_shipped,
            )
            session.add(entry)
            await session.flush()
            return entry.id

    return make


@pytest.fixture
def confirm(gql, app):
    """Run the confirm_shipments job through GraphQL and return its run."""

    async def run() -> dict:
        started = await gql(CONFIRM_NOW, role="operations")
        await app.state.services.runner.drain()
        return (await gql(RUN, id=started["data"]["triggerJob"]["run"]["id"]))["data"]["run"]

    return run


async def entry_state(sessions, entry_id: int) -> OrderLogEntry:
    async with sessions() as session:
        return await session.get_one(OrderLogEntry, entry_id)


async def test_fu1_a_shipped_fbm_sale_is_confirmed_to_amazon(
    na_store, shipped_sale, sandbox, sellers, sessions, confirm, gql
):
    """FU-1: consolidation NONE, FBM, carrier and tracking → Amazon records the shipment."""
    store_id = await na_store()
    order = unshipped_orders(sandbox, sellers["NA"])[0]
    entry_id = await shipped_sale(store_id, order, carrier="UPS", tracking="1Z0001")
    run = await confirm()
    assert run["status"] == "SUCCEEDED" and run["processed"] == 1, run
    shipped = sandbox.state.orders[order.order_id]
    assert shipped.status == "SHIPPED"
    assert shipped.packages[-1]["carrier"] == "UPS"
    assert shipped.packages[-1]["trackingNumber"] == "1Z0001"
    rows = (await gql(CONFIRMATIONS, storeId=str(store_id)))["data"]["shipmentConfirmations"]
    assert [(r["logEntryId"], r["state"], r["attempts"]) for r in rows] == [
        (str(entry_id), "CONFIRMED", 1)
    ]
    assert rows[0]["carrier"] == "UPS" and rows[0]["trackingNumber"] == "1Z0001"
    # a later run does not confirm it again
    again = await confirm()
    assert again["processed"] == 0
    assert len(sandbox.state.orders[order.order_id].packages) == len(shipped.packages)


async def test_fu1_an_unknown_carrier_goes_as_other_with_its_name(
    na_store, shipped_sale, sandbox, sellers, confirm
):
    """FU-1: a carrier Amazon has no code for is sent as Other with the carrier's name."""
    store_id = await na_store()
    order = unshipped_orders(sandbox, sellers["NA"])[0]
    await shipped_sale(store_id, order, carrier="Speedy Local Couriers", tracking="SLC-1")
    run = await confirm()
    assert run["processed"] == 1, run
    assert sandbox.state.orders[order.order_id].packages[-1]["carrier"] == "Other"


async def test_fu1_a_5xx_fails_visibly_and_a_later_run_confirms(
    na_store, shipped_sale, sandbox, sellers, sessions, confirm, gql
):
    """FU-1: Amazon failing → FAILED with the error and a notification; the next run confirms."""
    store_id = await na_store()
    order = unshipped_orders(sandbox, sellers["NA"])[0]
    entry_id = await shipped_sale(store_id, order)
    # the client retries a 5xx 8 times; fail more often than that
    sandbox.faults.add(Fault(kind="503", count=20, operation="confirmShipment"))
    run = await confirm()
    assert run["skipped"] == 1 and run["errors"], run
    failed = await entry_state(sessions, entry_id)
    assert failed.shipment_confirmation is ShipmentConfirmation.FAILED
    assert failed.shipment_attempts == 1 and failed.shipment_error
    rows = (await gql(CONFIRMATIONS, storeId=str(store_id), state="FAILED"))["data"]
    assert rows["shipmentConfirmations"][0]["error"] == failed.shipment_error
    async with sessions() as session:
        notes = list(await session.scalars(select(Notification)))
    assert len(notes) == 1 and order.order_id in notes[0].message
    assert sandbox.state.orders[order.order_id].status == "UNSHIPPED"
    # when Amazon is back, the scheduled retry confirms it
    sandbox.faults.clear()
    sandbox.state.clock.advance(timedelta(minutes=5))
    run = await confirm()
    assert run["processed"] == 1, run
    confirmed = await entry_state(sessions, entry_id)
    assert confirmed.shipment_confirmation is ShipmentConfirmation.CONFIRMED
    assert confirmed.shipment_error == "" and confirmed.shipment_attempts == 2
    assert sandbox.state.orders[order.order_id].status == "SHIPPED"


async def test_fu1_a_failed_confirmation_can_be_retried_by_hand(
    na_store, shipped_sale, sandbox, sellers, sessions, confirm, gql
):
    """FU-1: retryShipmentConfirmation tries at once and says how it went."""
    store_id = await na_store()
    order = unshipped_orders(sandbox, sellers["NA"])[0]
    entry_id = await shipped_sale(store_id, order)
    sandbox.faults.add(Fault(kind="500", count=20, operation="confirmShipment"))
    await confirm()
    sandbox.faults.clear()
    result = await gql(RETRY, role="operations", id=str(entry_id))
    tried = result["data"]["retryShipmentConfirmation"]
    assert tried["__typename"] == "ShipmentConfirmationTried" and tried["confirmed"], result
    assert tried["confirmation"]["state"] == "CONFIRMED"
    again = await gql(RETRY, role="operations", id=str(entry_id))
    assert again["data"]["retryShipmentConfirmation"]["__typename"] == "InvalidState"
    denied = await gql(RETRY, role="readonly", id=str(entry_id))
    assert denied["data"] is None


async def test_fu1_daily_consolidation_never_confirms(
    na_store, shipped_sale, sandbox, sellers, sessions, confirm
):
    """FU-1: with consolidation DAILY the shipment is not confirmed (the seed: NONE only)."""
    store_id = await na_store(consolidation="DAILY")
    order = unshipped_orders(sandbox, sellers["NA"])[0]
    entry_id = await shipped_sale(store_id, order)
    run = await confirm()
    assert run["processed"] == 0
    entry = await entry_state(sessions, entry_id)
    assert entry.shipment_confirmation is ShipmentConfirmation.NOT_NEEDED
    assert sandbox.state.orders[order.order_id].packages == []


async def test_fu1_an_auto_shipped_sale_is_never_confirmed(
    na_store, shipped_sale, sandbox, sellers, sessions, confirm
):
    """FU-1: a shipment made by auto-ship is not confirmed to Amazon."""
    store_id = await na_store()
    order = unshipped_orders(sandbox, sellers["NA"])[0]
    entry_id = await shipped_sale(store_id, order, auto_shipped=True)
    await confirm()
    entry = await entry_state(sessions, entry_id)
    assert entry.shipment_confirmation is ShipmentConfirmation.NOT_NEEDED
    assert sandbox.state.orders[order.order_id].packages == []


async def test_fu1_fba_orders_are_never_confirmed(
    na_store, shipped_sale, sandbox, sellers, sessions, confirm, calls_of
):
    """FU-1: Amazon ships FBA orders itself; nothing is sent."""
    store_id = await na_store()
    order = unshipped_orders(sandbox, sellers["NA"], fulfilled_by="AMAZON")[0]
    entry_id = await shipped_sale(store_id, order, fulfilment=OrderFulfilment.FBA)
    await confirm()
    entry = await entry_state(sessions, entry_id)
    assert entry.shipment_confirmation is ShipmentConfirmation.NOT_NEEDED
    assert calls_of["confirmShipment"] == 0


@pytest.fixture
def calls_of(sandbox, monkeypatch):
    from collections import Counter

    counted: Counter[str] = Counter()
    original = sandbox.limits.allow

    def counting(seller_id, name, now):  # type: ignore[no-untyped-def]
        counted[name] += 1
        return original(seller_id, name, now)

    monkeypatch.setattr(sandbox.limits, "allow", counting)
    return counted


async def test_fu1_a_shipment_without_tracking_number_fails_with_the_reason(
    na_store, shipped_sale, sandbox, sellers, sessions, confirm, calls_of
):
    """FU-1: Amazon requires a tracking number; its absence is shown, nothing is sent."""
    store_id = await na_store()
    order = unshipped_orders(sandbox, sellers["NA"])[0]
    entry_id = await shipped_sale(store_id, order, tracking="")
    run = await confirm()
    assert run["skipped"] == 1
    entry = await entry_state(sessions, entry_id)
    assert entry.shipment_confirmation is ShipmentConfirmation.FAILED
    assert "tracking number" in entry.shipment_error
    assert calls_of["confirmShipment"] == 0


DOWNLOAD_CATALOG = """
mutation($storeId: ID!) { downloadCatalog(storeId: $storeId) { __typename } }
"""
LOAD = """
mutation($storeId: ID!, $since: DateTime!) {
  loadOrders(storeId: $storeId, from: $since) { __typename ... on UserError { message } }
}
"""
SHIP = """
mutation($saleId: ID!, $carrier: String!, $tracking: String!) {
  shipSale(saleId: $saleId, carrier: $carrier, trackingNumber: $tracking) {
    __typename ... on UserError { message }
  }
}
"""


async def _downloaded_store(gql, app, sellers, connect_input, sessions, sandbox, mode: str) -> int:
    """NA store with a tax mapping; catalog linked; 100 of everything in stock at the FBM
    location; the last month's orders loaded and processed (NONE)."""
    from skuport.domain.listings.models import CatalogEntry

    result = await gql(CONNECT, input=connect_input(sellers["NA"]))
    store_id = result["data"]["connectStore"]["store"]["id"]
    async with sessions() as session, session.begin():
        where = await create_location(session, name="Shelf")
        taxed = await create_tax_rule(session, name="Sales NA", rate=Decimal("8.25"))
        free = await create_tax_rule(session, name="Free NA", rate=Decimal(0), tax_free=True)
        customer = await create_customer(session, name="Amazon NA")
    settings = {
        "createProductIfNotFound": True,
        "fulfilmentMode": mode,
        "fbmLocationId": str(where.id),
        "customerId": str(customer.id),
        "lineTaxRuleId": str(taxed.id),
        "chargeTaxRuleId": str(taxed.id),
        "taxFreeRuleId": str(free.id),
    }
    changed = await gql(SETTINGS, storeId=store_id, settings=settings)
    assert changed["data"]["updateStoreSettings"]["__typename"] == "StoreSaved", changed
    await gql(DOWNLOAD_CATALOG, storeId=store_id)
    await app.state.services.runner.drain()
    async with sessions() as session, session.begin():
        linked = set(
            await session.scalars(
                select(CatalogEntry.product_id).where(CatalogEntry.product_id.is_not(None))
            )
        )
        for product_id in linked:
            await receive_stock(
                session, product_id=product_id, location_id=where.id, quantity=Decimal(100)
            )
    since = (sandbox.state.clock.now() - timedelta(days=31)).isoformat()
    started = await gql(LOAD, role="operations", storeId=store_id, since=since)
    assert started["data"]["loadOrders"]["__typename"] == "JobStarted", started
    await app.state.services.runner.drain()
    return int(store_id)


async def test_fu1_an_order_processed_and_shipped_through_graphql_is_confirmed(
    app, gql, sellers, connect_input, sessions, sandbox, confirm
):
    """FU-1 end to end: download → sale (NONE, pick+pack) → shipSale with carrier → Amazon."""
    from skuport.domain.inventory.sales.models import Sale, StageStatus

    store_id = await _downloaded_store(
        gql, app, sellers, connect_input, sessions, sandbox, "PICK_PACK"
    )
    async with sessions() as session:
        rows = (
            await session.execute(
                select(OrderLogEntry.id, OrderLogEntry.amazon_order_id, Sale.id)
                .join(Sale, Sale.id == OrderLogEntry.sale_id)
                .where(
                    OrderLogEntry.store_id == store_id,
                    OrderLogEntry.fulfilment == OrderFulfilment.FBM,
                    Sale.pack_status == StageStatus.AUTHORISED,
                )
            )
        ).all()
    waiting = [r for r in rows if sandbox.state.orders[r[1]].status == "UNSHIPPED"]
    assert waiting, rows
    entry_id, order_id, sale_id = waiting[0]
    shipped = await gql(
        SHIP, role="operations", saleId=str(sale_id), carrier="USPS", tracking="9400111"
    )
    assert shipped["data"]["shipSale"]["__typename"] == "SaleShipped", shipped
    run = await confirm()
    assert run["processed"] == 1, run
    assert sandbox.state.orders[order_id].status == "SHIPPED"
    assert sandbox.state.orders[order_id].packages[-1]["trackingNumber"] == "9400111"
    entry = await entry_state(sessions, entry_id)
    assert entry.shipment_confirmation is ShipmentConfirmation.CONFIRMED


async def test_fu1_orders_auto_shipped_by_processing_are_not_confirmed(
    app, gql, sellers, connect_input, sessions, sandbox, confirm, calls_of
):
    """FU-1 end to end: PICK_PACK_SHIP processing ships with auto-ship; nothing is confirmed."""
    store_id = await _downloaded_store(
        gql, app, sellers, connect_input, sessions, sandbox, "PICK_PACK_SHIP"
    )
    async with sessions() as session:
        auto = list(
            await session.scalars(
                select(OrderLogEntry).where(
                    OrderLogEntry.store_id == store_id, OrderLogEntry.auto_shipped.is_(True)
                )
            )
        )
    assert auto
    run = await confirm()
    assert run["processed"] == 0
    assert calls_of["confirmShipment"] == 0
