"""Sales over GraphQL from order to paid: stock, kits, drop-ship, voiding (IN-5, IN-6, IN-8)."""

from __future__ import annotations

from decimal import Decimal

from skuport.domain.inventory.events import AvailabilityChanged
from tests.schema.inventory_sales_support import (
    INVOICE,
    PACK,
    PAY,
    PICK,
    SALE_FIELDS,
    SHIP,
    STOCK,
    VOID,
    create,
    level,
    product_line,
    row_counts,
)


async def test_in5_a_sale_goes_from_order_to_paid_through_the_api(gql, office):
    # given: 2 mugs, a service line and shipping, sales tax 8.875 % exclusive
    created = await create(
        gql,
        office,
        product_line(office.mug, "2"),
        {"kind": "SERVICE", "description": "Engraving", "quantity": "1", "unitPrice": "5.00",
         "taxRuleId": office.tax_free},
        {"kind": "CHARGE", "chargeKind": "SHIPPING", "amount": "4.99",
         "taxRuleId": office.sales_tax},
    )  # fmt: skip
    assert created["__typename"] == "SaleSaved"
    sale = created["sale"]
    assert sale["customerName"] == "Jane Buyer"
    assert [line["kind"] for line in sale["lines"]] == ["PRODUCT", "SERVICE", "CHARGE"]
    # 20.00 x 8.875 % = 1.775 → 1.78; 4.99 x 8.875 % = 0.4428… → 0.44
    assert [line["tax"] for line in sale["lines"]] == ["1.78", "0.00", "0.44"]
    assert await level(gql, office.mug) == {
        "locationId": office.warehouse, "onHand": "10", "allocated": "2", "picked": "0",
        "available": "8",
    }  # fmt: skip
    # when: pick, pack, ship, invoice (authorised), pay in two parts
    picked = (await gql(PICK, role="operations", id=sale["id"]))["data"]["pickSale"]
    assert picked["picked"] is True and picked["sale"]["stages"]["pick"] == "AUTHORISED"
    packed = (await gql(PACK, role="operations", id=sale["id"]))["data"]["packSale"]
    assert packed["sale"]["stages"]["pack"] == "AUTHORISED"
    shipped = (await gql(SHIP, role="operations", id=sale["id"]))["data"]["shipSale"]
    assert shipped["shipment"] == {"carrier": "UPS", "trackingNumber": "1Z999"}
    invoiced = await gql(INVOICE, role="finance", id=sale["id"], status="AUTHORISED")
    invoice = invoiced["data"]["invoiceSale"]["invoice"]
    assert invoice == {
        "id": invoice["id"], "status": "AUTHORISED", "subtotal": "29.99", "taxTotal": "2.22",
        "total": "32.21", "balance": "32.21", "paymentStatus": "UNPAID",
    }  # fmt: skip
    part = await gql(
        PAY, role="finance", invoice=invoice["id"], amount="10.00", account=office.bank
    )
    assert part["data"]["recordPayment"]["invoice"]["paymentStatus"] == "PARTIALLY_PAID"
    rest = await gql(
        PAY, role="finance", invoice=invoice["id"], amount="22.21", account=office.bank
    )
    # then
    assert rest["data"]["recordPayment"]["invoice"] == {
        "paid": "32.21", "balance": "0.00", "paymentStatus": "PAID", "isPaid": True,
    }  # fmt: skip
    assert await level(gql, office.mug) == {
        "locationId": office.warehouse, "onHand": "8", "allocated": "0", "picked": "0",
        "available": "8",
    }  # fmt: skip
    read = await gql(f"query($id: ID!) {{ sale(id: $id) {{ {SALE_FIELDS} }} }}", id=sale["id"])
    assert read["data"]["sale"]["stages"] == {
        "pick": "AUTHORISED",
        "pack": "AUTHORISED",
        "ship": "AUTHORISED",
    }
    assert read["data"]["sale"]["shipments"] == [{"carrier": "UPS", "trackingNumber": "1Z999"}]
    assert read["data"]["sale"]["invoice"]["isPaid"] is True


async def test_in6_a_kit_sale_ships_its_components_and_drop_ship_moves_no_stock(gql, office):
    # given: one gift kit (2 mugs + 1 cap) and one drop-shipped big mug
    created = await create(
        gql, office, product_line(office.kit, "1"), product_line(office.dropship, "1")
    )
    sale = created["sale"]
    assert sale["dropShipOrders"][0]["status"] == "ORDERED"
    assert sale["dropShipOrders"][0]["lines"] == [{"quantity": "1"}]
    # when
    for document in (PICK, PACK, SHIP):
        await gql(document, role="operations", id=sale["id"])
    # then
    assert (await level(gql, office.mug))["onHand"] == "8"
    assert (await level(gql, office.cap))["onHand"] == "4"
    assert (await gql(STOCK, role="readonly", product=office.dropship))["data"]["stock"] == {
        "levels": [],
        "totals": [{"onHand": "0", "allocated": "0", "available": "0"}],
    }
    orders = await gql("query { dropShipOrders { nodes { saleId status } } }", role="readonly")
    assert orders["data"]["dropShipOrders"]["nodes"] == [
        {"saleId": sale["id"], "status": "ORDERED"}
    ]


async def test_in5_short_stock_leaves_the_pick_draft_and_shipping_an_unpicked_sale_is_refused(
    gql, office, sessions
):
    # given: 6 caps ordered, 5 on hand
    sale = (await create(gql, office, product_line(office.cap, "6")))["sale"]
    # when
    picked = (await gql(PICK, role="operations", id=sale["id"]))["data"]["pickSale"]
    # then
    assert picked["picked"] is False
    assert picked["sale"]["stages"]["pick"] == "DRAFT"
    assert picked["shortages"] == [{"productId": office.cap, "needed": "6", "pickable": "5"}]
    before = await row_counts(sessions)
    packed = (await gql(PACK, role="operations", id=sale["id"]))["data"]["packSale"]
    shipped = (await gql(SHIP, role="operations", id=sale["id"]))["data"]["shipSale"]
    assert packed["__typename"] == shipped["__typename"] == "InvalidState"
    assert shipped["field"] == "saleId"
    assert await row_counts(sessions) == before
    assert (await level(gql, office.cap))["onHand"] == "5"


async def test_in5_voiding_a_shipped_sale_reverses_its_stock_exactly_and_twice_is_refused(
    gql, office, sessions
):
    # given: a shipped sale of 3 mugs, invoiced as a draft
    sale = (await create(gql, office, product_line(office.mug, "3")))["sale"]
    for document in (PICK, PACK, SHIP):
        await gql(document, role="operations", id=sale["id"])
    await gql(INVOICE, role="operations", id=sale["id"], status="DRAFT")
    assert (await level(gql, office.mug))["onHand"] == "7"
    # when
    voided = (await gql(VOID, role="operations", id=sale["id"]))["data"]["voidSale"]
    # then
    assert voided["sale"] == {"status": "VOIDED", "invoice": {"status": "VOIDED"}}
    assert await level(gql, office.mug) == {
        "locationId": office.warehouse, "onHand": "10", "allocated": "0", "picked": "0",
        "available": "10",
    }  # fmt: skip
    before = await row_counts(sessions)
    again = (await gql(VOID, role="operations", id=sale["id"]))["data"]["voidSale"]
    assert again["__typename"] == "InvalidState" and again["field"] == "saleId"
    assert await row_counts(sessions) == before


async def test_in8_a_stock_change_over_the_api_publishes_availability_after_commit(
    gql, office, app
):
    # given
    bus = app.state.services.bus
    seen: list[AvailabilityChanged] = []
    import asyncio

    async def listen() -> None:
        async for event_ in bus.subscribe(AvailabilityChanged):
            seen.append(event_)
            return

    listener = asyncio.create_task(listen())
    await asyncio.sleep(0)
    # when: a sale of 4 mugs allocates them
    await create(gql, office, product_line(office.mug, "4"))
    await asyncio.wait_for(listener, timeout=5)
    # then
    assert seen == [AvailabilityChanged(int(office.mug), int(office.warehouse), Decimal(6))]
