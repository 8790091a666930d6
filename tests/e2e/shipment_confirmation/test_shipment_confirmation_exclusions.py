"""FU-1: what is never confirmed: daily consolidations, auto-shipped sales, FBA orders."""

from __future__ import annotations

from skuport.domain.orders.models import (
    OrderFulfilment,
    ShipmentConfirmation,
)
from tests.e2e.shipment_confirmation.support import entry_state, unshipped_orders


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
