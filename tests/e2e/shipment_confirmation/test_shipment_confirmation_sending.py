"""FU-1: shipped FBM sales of Amazon orders are confirmed to Amazon with their carrier."""

from __future__ import annotations

from tests.e2e.shipment_confirmation.support import CONFIRMATIONS, unshipped_orders


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
