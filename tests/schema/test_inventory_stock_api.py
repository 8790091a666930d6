"""Stock over GraphQL: receipts, adjustments and counts through the ledger (IN-3)."""

from __future__ import annotations

from tests.schema.inventory_products_support import (
    ADJUST,
    COUNT,
    CREATE_PRODUCT,
    RECEIVE,
    created,
    mug,
    reference_data,
    row_counts,
)


async def test_in3_receipts_adjustments_and_counts_go_through_the_ledger(gql, sessions):
    refs = await reference_data(gql)
    product = (await created(gql, CREATE_PRODUCT, "createProduct", input=mug(refs)))["product"]
    where = {"product": product["id"], "location": refs["location"]}
    # when
    received = await created(gql, RECEIVE, "receiveStock", "operations", quantity="10", **where)
    adjusted = await created(gql, ADJUST, "adjustStock", "operations", change="-2", **where)
    counted = await created(gql, COUNT, "countStock", "operations", counted="7", **where)
    # then
    assert received == {
        "__typename": "StockMoved",
        "movement": {"kind": "RECEIPT", "onHandDelta": "10", "reason": "PO 7"},
        "level": {"onHand": "10", "available": "10"},
    }
    assert adjusted["level"] == {"onHand": "8"}
    assert counted == {
        "__typename": "StockMoved",
        "movement": {"onHandDelta": "-1"},
        "level": {"onHand": "7"},
    }
    ledger = await gql(
        "query($id: ID!) { stockMovements(productId: $id) { kind onHandDelta } "
        "stock(productId: $id) { totals { onHand allocated available } } }",
        role="readonly",
        id=product["id"],
    )
    assert [m["kind"] for m in ledger["data"]["stockMovements"]] == [
        "RECEIPT",
        "ADJUSTMENT",
        "ADJUSTMENT",
    ]
    assert ledger["data"]["stock"]["totals"] == [
        {"onHand": "7", "allocated": "0", "available": "7"}
    ]
    # refused: a negative receipt, taking more than is on hand, an unknown location
    before = await row_counts(sessions)
    negative = await gql(RECEIVE, role="operations", quantity="-3", **where)
    assert negative["data"]["receiveStock"]["__typename"] == "InvalidInput"
    assert negative["data"]["receiveStock"]["field"] == "quantity"
    too_many = await gql(ADJUST, role="operations", change="-8", **where)
    assert too_many["data"]["adjustStock"]["__typename"] == "InsufficientStock"
    assert too_many["data"]["adjustStock"]["field"] == "change"
    nowhere = await gql(
        RECEIVE, role="operations", quantity="1", product=product["id"], location="999"
    )
    assert nowhere["data"]["receiveStock"] == {
        "__typename": "NotFound",
        "message": "location 999 does not exist",
        "field": "locationId",
    }
    assert await row_counts(sessions) == before
