"""FU-1: failed shipment confirmations are visible, retried later or by hand."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from skuport.domain.orders.models import (
    Notification,
    ShipmentConfirmation,
)
from skuport.sandbox.faults import Fault
from tests.e2e.shipment_confirmation.support import (
    CONFIRMATIONS,
    RETRY,
    entry_state,
    unshipped_orders,
)


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
