"""Fixtures of the shipment confirmation tests (FU-1): an NA store, a shipped sale, a run."""

from __future__ import annotations

from decimal import Decimal

import pytest

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
    OrderFulfilment,
    OrderLogEntry,
)
from tests.e2e.shipment_confirmation.support import CONFIRM_NOW, CONNECT, RUN, SETTINGS


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
