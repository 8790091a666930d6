"""FU-1 end to end: orders downloaded, processed and shipped through GraphQL, then confirmed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from skuport.domain.inventory.reference.service import (
    create_customer,
    create_tax_rule,
)
from skuport.domain.inventory.stock.service import create_location, receive_stock
from skuport.domain.orders.models import (
    OrderFulfilment,
    OrderLogEntry,
    ShipmentConfirmation,
)
from tests.e2e.shipment_confirmation.support import (
    CONNECT,
    DOWNLOAD_CATALOG,
    LOAD,
    SETTINGS,
    SHIP,
    entry_state,
)


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
